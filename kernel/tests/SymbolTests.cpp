#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/debug/KernelSymbols.h>
#include <kernel/tests/Framework.h>

using namespace gehri;

namespace gehri::ktest_symbols {

// Known functions at known call depths, for the backtrace test. noinline and a barrier
// after the call keep each frame real (no inlining, no tail call).
[[gnu::noinline]] size_t innermost(uint64_t* addresses, size_t capacity)
{
    size_t count = arch::capture_backtrace(reinterpret_cast<uint64_t>(__builtin_frame_address(0)), addresses, capacity);
    asm volatile("" ::: "memory");
    return count;
}

[[gnu::noinline]] size_t middle(uint64_t* addresses, size_t capacity)
{
    size_t count = innermost(addresses, capacity);
    asm volatile("" ::: "memory");
    return count;
}

} // namespace gehri::ktest_symbols

namespace {

bool contains(StringView haystack, StringView needle)
{
    for (size_t i = 0; i + needle.length() <= haystack.length(); ++i) {
        if (haystack.substring(i, needle.length()) == needle)
            return true;
    }
    return false;
}

StringView name_of(uint64_t address)
{
    auto found = debug::kernel_symbols().lookup(address);
    return found.is_ok() ? found.value().symbol.name : StringView("??");
}

} // namespace

KERNEL_TEST(symbols_kernel_table_is_embedded)
{
    EXPECT(debug::kernel_symbols().symbol_count() > 100);
}

KERNEL_TEST(symbols_known_function_resolves_to_its_name)
{
    auto address = reinterpret_cast<uint64_t>(&ktest::run_tests);
    auto found = debug::kernel_symbols().lookup(address);
    EXPECT(found.is_ok());
    if (found.is_error())
        return;
    EXPECT(found.value().symbol.name == "gehri::ktest::run_tests(gehri::StringView)");
    EXPECT_EQ(found.value().offset, 0u);
    EXPECT_EQ(found.value().symbol.address, address);

    auto inside = debug::kernel_symbols().lookup(address + 5);
    EXPECT(inside.is_ok() && inside.value().offset == 5 && inside.value().symbol.address == address);
}

KERNEL_TEST(symbols_assembly_stubs_and_outside_text)
{
    extern const uint8_t interrupt_dispatch_return_site[] asm("interrupt_dispatch_return_site");
    EXPECT(contains(name_of(reinterpret_cast<uint64_t>(interrupt_dispatch_return_site)), "interrupt"));
    static const int some_data = 1;
    EXPECT(debug::kernel_symbols().lookup(reinterpret_cast<uint64_t>(&some_data)).is_error());
    EXPECT(debug::kernel_symbols().lookup(0).is_error());
}

KERNEL_TEST(symbols_backtrace_names_the_calling_functions)
{
    uint64_t addresses[8] {};
    size_t count = ktest_symbols::middle(addresses, 8);
    EXPECT(count >= 3);
    if (count < 3)
        return;
    // [0] returns into middle, [1] into this test; symbolize one byte back, as reports do.
    EXPECT(contains(name_of(addresses[0] - 1), "ktest_symbols::middle"));
    EXPECT(contains(name_of(addresses[1] - 1), "symbols_backtrace_names_the_calling_functions"));
    EXPECT(contains(name_of(addresses[2] - 1), "run_tests"));
}

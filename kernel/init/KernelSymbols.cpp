#include <kernel/debug/KernelSymbols.h>

// Placed by the linker script around the .kernel_symbols section, which the final link fills
// with the blob tools/gen-kernel-symbols made from the stage-1 link (see kernel/CMakeLists.txt).
extern "C" const uint8_t __kernel_symbols_start[];
extern "C" const uint8_t __kernel_symbols_end[];

namespace gehri::debug {

namespace {
constinit SymbolTable s_table;
constinit bool s_parsed = false;
} // namespace

const SymbolTable& kernel_symbols()
{
    // Parsing is idempotent and reads only immutable bytes, so two CPUs racing here on a
    // first crash compute the same table; no lock that a crash report could deadlock on.
    if (!__atomic_load_n(&s_parsed, __ATOMIC_ACQUIRE)) {
        auto size = static_cast<size_t>(__kernel_symbols_end - __kernel_symbols_start);
        auto table = SymbolTable::create(__kernel_symbols_start, size);
        if (table.is_ok())
            s_table = table.value();
        __atomic_store_n(&s_parsed, true, __ATOMIC_RELEASE);
    }
    return s_table;
}

} // namespace gehri::debug

#pragma once

#include <kernel/lib/Format.h>

// In-kernel unit tests: registered by KERNEL_TEST into the .kernel_tests section, selected
// on the boot command line (gehri.test=all or gehri.test=PREFIX), run after the kernel is up.
namespace gehri::ktest {

// Records from many objects are laid end to end in .kernel_tests and walked as an array, so
// the stride must equal the alignment the compiler gives them: fix both at 16.
struct alignas(16) TestCase {
    const char* name;
    void (*body)();
};

void record_failure(const char* file, int line, StringView what);

// Runs every test whose name starts with the filter ("all" runs every test). Returns the
// number of failed tests; prints "kernel-tests: N passed, N failed" last.
size_t run_tests(StringView filter);

template<typename... Args>
void record_failure_formatted(const char* file, int line, StringView format_string, const Args&... args)
{
    char buffer[200];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, format_string, args...);
    record_failure(file, line, sink.view());
}

} // namespace gehri::ktest

// Macros: only the preprocessor can register a test by name and capture an expression's text.
#define KERNEL_TEST(test_name)                                                                  \
    static void kernel_test_##test_name();                                                      \
    [[gnu::used, gnu::section(".kernel_tests")]] static const ::gehri::ktest::TestCase          \
        kernel_test_case_##test_name { #test_name, kernel_test_##test_name };                   \
    static void kernel_test_##test_name()

#define EXPECT(condition)                                                                       \
    do {                                                                                        \
        if (!(condition))                                                                       \
            ::gehri::ktest::record_failure(__FILE__, __LINE__, #condition);                     \
    } while (0)

#define EXPECT_EQ(a, b)                                                                         \
    do {                                                                                        \
        auto&& _lhs = (a);                                                                      \
        auto&& _rhs = (b);                                                                      \
        if (!(_lhs == _rhs))                                                                    \
            ::gehri::ktest::record_failure_formatted(__FILE__, __LINE__, "{} == {} ({} vs {})", \
                #a, #b, _lhs, _rhs);                                                            \
    } while (0)

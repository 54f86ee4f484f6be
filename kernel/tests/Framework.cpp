#include <kernel/console/Console.h>
#include <kernel/tests/Framework.h>

extern "C" const gehri::ktest::TestCase __kernel_tests_start[];
extern "C" const gehri::ktest::TestCase __kernel_tests_end[];

namespace gehri::ktest {

namespace {
size_t s_failures_in_current_test;
} // namespace

void record_failure(const char* file, int line, StringView what)
{
    ++s_failures_in_current_test;
    console::print("    FAILED: {} at {}:{}\n", what, file, line);
}

size_t run_tests(StringView filter)
{
    size_t passed = 0;
    size_t failed = 0;
    bool run_all = filter == "all";
    for (const TestCase* test = __kernel_tests_start; test != __kernel_tests_end; ++test) {
        StringView name(test->name);
        if (!run_all && !name.starts_with(filter))
            continue;
        s_failures_in_current_test = 0;
        test->body();
        if (s_failures_in_current_test == 0) {
            ++passed;
            console::print("[kernel-test] {}: PASS\n", name);
        } else {
            ++failed;
            console::print("[kernel-test] {}: FAIL\n", name);
        }
    }
    console::print("kernel-tests: {} passed, {} failed\n", passed, failed);
    return failed;
}

} // namespace gehri::ktest

#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/arch/x86_64/DeliberateCrash.h>
#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/tests/Framework.h>

using namespace gehri;
using namespace gehri::arch;

namespace {

// What the interceptor saw, and where to resume: each test sets s_resume_at (a label right
// after the faulting instruction) before provoking the exception.
struct Caught {
    uint64_t count;
    uint64_t vector;
    uint64_t error_code;
    uint64_t cr2;
    uint64_t rip;
};
Caught s_caught;
uint64_t s_resume_at;

bool catch_and_resume(InterruptFrame& frame)
{
    ++s_caught.count;
    s_caught.vector = frame.vector;
    s_caught.error_code = frame.error_code;
    s_caught.cr2 = read_cr2();
    s_caught.rip = frame.rip;
    if (s_resume_at != 0)
        frame.rip = s_resume_at;
    return true;
}

class ScopedInterceptor {
public:
    ScopedInterceptor()
    {
        s_caught = {};
        s_resume_at = 0;
        set_exception_interceptor_for_testing(catch_and_resume);
    }
    ~ScopedInterceptor() { set_exception_interceptor_for_testing(nullptr); }
};

} // namespace

KERNEL_TEST(exceptions_breakpoint_is_delivered_and_returns)
{
    ScopedInterceptor interceptor;
    uint64_t after_int3;
    // int3 is a trap: the saved rip already points past it, so returning resumes there.
    asm volatile("int3\n"
                 "1: leaq 1b(%%rip), %0"
                 : "=r"(after_int3)::"memory");
    EXPECT_EQ(s_caught.count, 1u);
    EXPECT_EQ(s_caught.vector, exceptions::breakpoint);
    EXPECT_EQ(s_caught.rip, after_int3);
}

KERNEL_TEST(exceptions_page_fault_reports_address_and_cause)
{
    ScopedInterceptor interceptor;
    uint64_t faulting_rip;
    asm volatile("leaq 2f(%%rip), %%rax\n"
                 "movq %%rax, %[resume]\n"
                 "1: movq (%[address]), %%rax\n"
                 "2: leaq 1b(%%rip), %[rip]"
                 : [resume] "=m"(s_resume_at), [rip] "=r"(faulting_rip)
                 : [address] "r"(deliberate_fault_address)
                 : "rax", "memory");
    EXPECT_EQ(s_caught.count, 1u);
    EXPECT_EQ(s_caught.vector, exceptions::page_fault);
    EXPECT_EQ(s_caught.cr2, deliberate_fault_address);
    EXPECT_EQ(s_caught.rip, faulting_rip); // a fault: rip is the faulting instruction
    EXPECT_EQ(s_caught.error_code & page_fault_error::present, 0u);
    EXPECT_EQ(s_caught.error_code & page_fault_error::write, 0u);
    EXPECT_EQ(s_caught.error_code & page_fault_error::user, 0u);
}

KERNEL_TEST(exceptions_page_fault_on_write_sets_the_write_bit)
{
    ScopedInterceptor interceptor;
    asm volatile("leaq 1f(%%rip), %%rax\n"
                 "movq %%rax, %[resume]\n"
                 "movq $1, (%[address])\n"
                 "1:"
                 : [resume] "=m"(s_resume_at)
                 : [address] "r"(deliberate_fault_address + 8)
                 : "rax", "memory");
    EXPECT_EQ(s_caught.vector, exceptions::page_fault);
    EXPECT_EQ(s_caught.cr2, deliberate_fault_address + 8);
    EXPECT(s_caught.error_code & page_fault_error::write);
}

KERNEL_TEST(exceptions_divide_error_and_invalid_opcode_are_caught)
{
    ScopedInterceptor interceptor;
    asm volatile("leaq 1f(%%rip), %%rax\n"
                 "movq %%rax, %[resume]\n"
                 "xorl %%edx, %%edx\n"
                 "xorl %%ecx, %%ecx\n"
                 "movl $1, %%eax\n"
                 "divl %%ecx\n"
                 "1:"
                 : [resume] "=m"(s_resume_at)::"rax", "rcx", "rdx", "memory");
    EXPECT_EQ(s_caught.count, 1u);
    EXPECT_EQ(s_caught.vector, exceptions::divide_error);

    asm volatile("leaq 1f(%%rip), %%rax\n"
                 "movq %%rax, %[resume]\n"
                 "ud2\n"
                 "1:"
                 : [resume] "=m"(s_resume_at)::"rax", "memory");
    EXPECT_EQ(s_caught.count, 2u);
    EXPECT_EQ(s_caught.vector, exceptions::invalid_opcode);
}

KERNEL_TEST(exceptions_non_canonical_access_is_a_general_protection_fault)
{
    ScopedInterceptor interceptor;
    asm volatile("leaq 1f(%%rip), %%rax\n"
                 "movq %%rax, %[resume]\n"
                 "movq (%[address]), %%rax\n"
                 "1:"
                 : [resume] "=m"(s_resume_at)
                 : [address] "r"(0x8000000000000000)
                 : "rax", "memory");
    EXPECT_EQ(s_caught.vector, exceptions::general_protection);
    EXPECT_EQ(s_caught.error_code, 0u);
}

KERNEL_TEST(exceptions_probe_read_survives_bad_addresses)
{
    // No interceptor: the dispatcher's own fixup must handle these, or the test crashes.
    uint64_t value = 0;
    uint64_t readable = 0x1122334455667788;
    EXPECT(probe_read_u64(&readable, &value));
    EXPECT_EQ(value, readable);
    EXPECT(!probe_read_u64(reinterpret_cast<const uint64_t*>(deliberate_fault_address), &value));
    EXPECT(!probe_read_u64(reinterpret_cast<const uint64_t*>(0x8000000000000000), &value));
    EXPECT_EQ(value, readable);
}

KERNEL_TEST(exceptions_names)
{
    EXPECT(exception_name(exceptions::page_fault) == "Page fault");
    EXPECT(exception_mnemonic(exceptions::page_fault) == "#PF");
    EXPECT(exception_name(exceptions::double_fault) == "Double fault");
    EXPECT(exception_name(15) == "Reserved exception");
    EXPECT(exception_name(32).is_empty());
}

#include <kernel/arch/x86_64/DeliberateCrash.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>

namespace gehri::arch {

namespace {
constinit bool s_crash_again = false;
} // namespace

// Out of line and with external names, so that the report's backtrace names them.
[[gnu::noinline]] void crash_with_page_fault()
{
    asm volatile("movq $0x1234, (%0)" ::"r"(deliberate_fault_address) : "memory");
}

[[gnu::noinline]] void crash_with_divide_error()
{
    asm volatile("xorl %%edx, %%edx\n"
                 "xorl %%ecx, %%ecx\n"
                 "movl $1, %%eax\n"
                 "divl %%ecx" ::
                     : "eax", "ecx", "edx");
}

[[gnu::noinline]] void crash_with_double_fault()
{
    // A stack variable gives the function a frame record (the compiler leaves leaf functions
    // that use no stack frameless), and RBP keeps pointing at it after RSP is gone, so the
    // report can still walk back from here.
    volatile uint64_t in_frame = 0;
    (void)in_frame;
    asm volatile("movq %0, %%rsp\n"
                 "pushq $0" ::"r"(deliberate_fault_address)
                 : "memory");
}

[[gnu::noinline]] void crash_with_panic()
{
    PANIC("deliberate panic (gehri.crash=panic)");
}

void crash_again_if_requested()
{
    if (__atomic_exchange_n(&s_crash_again, false, __ATOMIC_ACQ_REL))
        crash_with_page_fault();
}

void crash_if_requested(const boot::CommandLine& command_line)
{
    bool requested = false;
    StringView kind = command_line.value_of("gehri.crash", &requested);
    if (!requested)
        return;
    log::info("gehri.crash={}: crashing on purpose", kind);
    if (kind == "page-fault")
        crash_with_page_fault();
    else if (kind == "divide")
        crash_with_divide_error();
    else if (kind == "double-fault")
        crash_with_double_fault();
    else if (kind == "panic")
        crash_with_panic();
    else if (kind == "nested") {
        __atomic_store_n(&s_crash_again, true, __ATOMIC_RELEASE);
        crash_with_page_fault();
    } else {
        log::warn("ignoring gehri.crash={}: expected page-fault, divide, double-fault, panic or nested", kind);
        return;
    }
    PANIC("gehri.crash={} returned instead of crashing", kind);
}

} // namespace gehri::arch

// Measures the null system call's round trip (syscall, the kernel's entry, dispatch and
// SYSRET back) in time-stamp-counter cycles, minus the cost of the measuring loop itself.
// Under QEMU with -icount shift=0 the guest's TSC counts instructions, so the number is the
// instruction count of one round trip. With start argument 1 it exits with the per-call
// cycles as its status (for the kernel's test, which reports it); otherwise with 0.
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

constexpr int calls = 5000;

inline uint64_t read_tsc()
{
    uint32_t low, high;
    asm volatile("lfence; rdtsc; lfence" : "=a"(low), "=d"(high)::"memory");
    return (uint64_t(high) << 32) | low;
}

// The loop alone: the same shape as the measured one, without the syscall.
[[gnu::noinline]] uint64_t empty_loop_cycles()
{
    uint64_t start = read_tsc();
    for (int i = 0; i < calls; ++i)
        asm volatile("" ::: "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
    return read_tsc() - start;
}

[[gnu::noinline]] uint64_t null_syscall_cycles()
{
    uint64_t start = read_tsc();
    for (int i = 0; i < calls; ++i)
        gehri::system::raw::syscall0(gehri::abi::Syscall::Null);
    return read_tsc() - start;
}

[[gnu::noinline]] uint64_t clock_syscall_cycles()
{
    uint64_t start = read_tsc();
    for (int i = 0; i < calls; ++i)
        gehri::system::raw::syscall0(gehri::abi::Syscall::ClockNow);
    return read_tsc() - start;
}

} // namespace

int main(gehri::Agent& self)
{
    null_syscall_cycles(); // warm up
    uint64_t loop = empty_loop_cycles();
    uint64_t null_total = null_syscall_cycles();
    uint64_t clock_total = clock_syscall_cycles();
    uint64_t per_null = (null_total - (loop < null_total ? loop : 0)) / calls;
    uint64_t per_clock = (clock_total - (loop < clock_total ? loop : 0)) / calls;
    gehri::println("bench: null syscall round trip: {} cycles ({} calls, loop overhead {} cycles/call)", per_null, calls, loop / calls);
    gehri::println("bench: clock_now syscall round trip: {} cycles", per_clock);
    if (self.argument() != 1)
        return 0;
    return static_cast<int>(per_null < 1000000 ? per_null : 1000000);
}

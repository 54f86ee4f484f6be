#pragma once

// The host stand-in for kernel/arch/x86_64/ArchCpu.h: the same operations, meaningful in a
// user-space test process (interrupt state is a per-thread flag).
#include <sched.h>
#include <stdint.h>

namespace gehri::arch {

using InterruptState = uint64_t;

inline thread_local bool host_interrupts_enabled = true;
// A test thread stands for one CPU: its preempt count is per thread.
inline thread_local uint32_t host_preempt_count = 0;

// Threads of a test process are not pinned to CPUs: a spinning waiter yields so that a lock
// holder (or, with a ticket lock, the next in line) that the host descheduled can run.
inline void cpu_relax()
{
    __builtin_ia32_pause();
    sched_yield();
}
inline InterruptState save_and_disable_interrupts()
{
    InterruptState previous = host_interrupts_enabled;
    host_interrupts_enabled = false;
    return previous;
}
inline void restore_interrupts(InterruptState state) { host_interrupts_enabled = state != 0; }
inline bool interrupts_enabled() { return host_interrupts_enabled; }
inline void enable_interrupts() { host_interrupts_enabled = true; }
inline void disable_interrupts() { host_interrupts_enabled = false; }
inline void wait_for_interrupt() { }
[[noreturn]] inline void halt_forever() { __builtin_trap(); }
inline uint64_t read_timestamp_counter() { return __builtin_ia32_rdtsc(); }

inline void preempt_disable() { ++host_preempt_count; }
inline void preempt_enable() { --host_preempt_count; }
inline uint32_t preempt_count() { return host_preempt_count; }
// Simulations preempt only where a test says so: nothing to resume later.
inline void defer_preemption() { }

} // namespace gehri::arch

#pragma once

#include <stdint.h>

namespace gehri::arch {

using InterruptState = uint64_t;

// Where the per-CPU fields that inline code touches live in CpuLocal (PerCpu.h checks these
// against the structure). GS holds the address of the running CPU's CpuLocal.
namespace cpu_local_offset {
constexpr uint32_t index = 8;
constexpr uint32_t preempt_count = 12;
constexpr uint32_t preemption_deferred = 20;
constexpr uint32_t tlb_flush_pending = 21;
} // namespace cpu_local_offset

// Out of line (TlbShootdown.cpp, Preemption.cpp).
void service_tlb_shootdown();
void resume_deferred_preemption();

// The dense index of the CPU running the caller (0 = the boot CPU). A thread that can be
// preempted may be on another CPU by the time it looks at the value.
inline uint32_t current_cpu_index()
{
    uint32_t index;
    asm volatile("movl %%gs:%c1, %0" : "=r"(index) : "i"(cpu_local_offset::index));
    return index;
}

// A spinning CPU still answers TLB shootdowns, which other CPUs wait for: a CPU spinning with
// interrupts off (on a lock, say) can then never deadlock a CPU that is unmapping memory.
inline void cpu_relax()
{
    asm volatile("pause" ::: "memory");
    uint8_t pending;
    asm volatile("movb %%gs:%c1, %0" : "=q"(pending) : "i"(cpu_local_offset::tlb_flush_pending) : "memory");
    if (pending) [[unlikely]]
        service_tlb_shootdown();
}

// The preempt count: while it is above zero the timer and reschedule IPIs do not switch this
// CPU to another thread (every spinlock raises it while held). Per CPU: a CPU switches threads
// only with exactly its run-queue lock held, so the count a thread leaves is the count the
// next one finds.
inline void preempt_disable()
{
    asm volatile("incl %%gs:%c0" ::"i"(cpu_local_offset::preempt_count) : "memory");
}

inline void preempt_enable()
{
    bool reached_zero;
    asm volatile("decl %%gs:%c1" : "=@ccz"(reached_zero) : "i"(cpu_local_offset::preempt_count) : "memory");
    if (!reached_zero)
        return;
    uint8_t deferred;
    asm volatile("movb %%gs:%c1, %0" : "=q"(deferred) : "i"(cpu_local_offset::preemption_deferred) : "memory");
    if (deferred) [[unlikely]]
        resume_deferred_preemption();
}

inline uint32_t preempt_count()
{
    uint32_t count;
    asm volatile("movl %%gs:%c1, %0" : "=r"(count) : "i"(cpu_local_offset::preempt_count) : "memory");
    return count;
}

// A preemption was due while the count was raised: the last preempt_enable will ask for it.
inline void defer_preemption()
{
    asm volatile("movb $1, %%gs:%c0" ::"i"(cpu_local_offset::preemption_deferred) : "memory");
}

inline InterruptState save_and_disable_interrupts()
{
    uint64_t flags;
    asm volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}

inline void restore_interrupts(InterruptState state)
{
    if (state & (1u << 9))
        asm volatile("sti" ::: "memory");
}

inline bool interrupts_enabled()
{
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags)::"memory");
    return flags & (1u << 9);
}

inline void enable_interrupts() { asm volatile("sti" ::: "memory"); }
inline void disable_interrupts() { asm volatile("cli" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("hlt" ::: "memory"); }

[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}

inline uint64_t read_timestamp_counter()
{
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<uint64_t>(high) << 32) | low;
}

} // namespace gehri::arch

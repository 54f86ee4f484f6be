#pragma once

#include <kernel/arch/x86_64/ArchCpu.h>
#include <kernel/arch/x86_64/CpuLocalOffsets.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::sched {
struct UserState;
}

namespace gehri::arch {

// One CPU's private data, the only per-CPU area there is. While the CPU runs kernel code its
// GS_BASE holds the address of its own CpuLocal, so the running CPU finds its data with one
// GS-relative load, whatever thread runs (O(1), no lookup by APIC id). While user code runs,
// GS_BASE is the user's and the CpuLocal address waits in KERNEL_GS_BASE: every entry from
// ring 3 (SYSCALL in SyscallEntry.S, interrupts and exceptions in InterruptStubs.S) swaps the
// two with swapgs first, and every return to ring 3 swaps them back last. Entries from ring 0
// never swap.
//
// Fields written by other CPUs are atomics; everything else is touched only by the owner.
struct alignas(64) CpuLocal {
    CpuLocal* self; // GS:0, so that this_cpu() is one load
    uint32_t index; // the dense CPU index: CpuTables, the scheduler's CPU number
    uint32_t preempt_count; // see preempt_disable (ArchCpu.h)
    uint32_t apic_id;
    uint8_t preemption_deferred; // a preemption waits for the preempt count to reach zero
    uint8_t tlb_flush_pending; // set by a CPU that shoots down a TLB range (TlbShootdown.cpp)
    uint8_t reserved0[2];
    uint64_t timer_expiry_ns; // when the local timer's one-shot is due (Preemption.cpp)
    uint64_t timer_interrupts; // local timer interrupts taken on this CPU
    uint64_t reschedule_interrupts;
    uint64_t tlb_shootdowns_served;
    // User-mode entry (UserEntry.h). SYSCALL does not switch stacks: the entry stub parks the
    // user's rsp in user_stack_scratch and loads syscall_stack_top, the running thread's
    // kernel stack top (set at every switch, like TSS.RSP0 for interrupts from ring 3).
    uint64_t syscall_stack_top;
    uint64_t user_stack_scratch;
    sched::UserState* current_user; // the running thread's user state; null for kernel threads
    uint8_t user_entry_ready; // SYSCALL MSRs and CR4 protections set on this CPU
};

static_assert(offsetof(CpuLocal, self) == 0);
static_assert(offsetof(CpuLocal, index) == cpu_local_offset::index);
static_assert(offsetof(CpuLocal, preempt_count) == cpu_local_offset::preempt_count);
static_assert(offsetof(CpuLocal, preemption_deferred) == cpu_local_offset::preemption_deferred);
static_assert(offsetof(CpuLocal, tlb_flush_pending) == cpu_local_offset::tlb_flush_pending);
static_assert(offsetof(CpuLocal, syscall_stack_top) == CPU_LOCAL_SYSCALL_STACK_TOP);
static_assert(offsetof(CpuLocal, user_stack_scratch) == CPU_LOCAL_USER_STACK_SCRATCH);
static_assert(offsetof(CpuLocal, current_user) == CPU_LOCAL_CURRENT_USER);

constexpr uint32_t max_cpus = 64; // the scheduler's CpuMask and CpuTables hold 64

// Points this CPU's GS base at the CpuLocal for `index`. The very first thing each CPU does
// in C++ (kernel_entry for the boot CPU, ap_main for the others): spinlocks and cpu_relax use
// GS. The APIC id is the CPU's initial one from CPUID.
void install_cpu_local(uint32_t index);

inline CpuLocal& this_cpu()
{
    CpuLocal* local;
    asm volatile("movq %%gs:0, %0" : "=r"(local));
    return *local;
}

// Any CPU's data (zeroed until that CPU installs it).
CpuLocal& cpu_local(uint32_t index);

} // namespace gehri::arch

#pragma once

#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/sched/UserState.h>
#include <stddef.h>
#include <stdint.h>

// How a CPU enters the kernel from user mode and leaves it again: SYSCALL/SYSRET, the
// per-CPU block the syscall entry finds through GS, SMEP/SMAP/UMIP.
//
// Per-CPU data contract: while the kernel runs, GS_BASE points at this CPU's UserEntryBlock
// (and KERNEL_GS_BASE holds the user's GS base); every entry from user mode (syscall,
// interrupt, exception) swaps the two with swapgs, every return swaps them back. The syscall
// entry (SyscallEntry.S) uses only the fields below at their fixed offsets. A per-CPU area of
// the SMP layer may embed UserEntryBlock as its first member and point GS at itself; then only
// initialize_user_entry_for_this_cpu's GS_BASE write moves there.
namespace gehri::arch {

struct UserEntryBlock {
    UserEntryBlock* self; // %gs:0, so C++ can find the block
    uint64_t kernel_stack_top; // %gs:8, the current thread's kernel stack for syscall entry
    uint64_t user_stack_scratch; // %gs:16, the user's rsp during the syscall entry
    sched::UserState* current_user; // %gs:24, the running thread's user state (null: kernel thread)
    CpuTables* tables; // the TSS whose RSP0 must match kernel_stack_top
    bool initialized;
};
static_assert(offsetof(UserEntryBlock, self) == 0);
static_assert(offsetof(UserEntryBlock, kernel_stack_top) == 8);
static_assert(offsetof(UserEntryBlock, user_stack_scratch) == 16);
static_assert(offsetof(UserEntryBlock, current_user) == 24);

// Sets up user-mode entry on the calling CPU (after CpuTables::initialize_for_this_cpu for the
// same index): GS_BASE, EFER.SCE, STAR/LSTAR/FMASK, and SMEP, SMAP and UMIP where CPUID has
// them (decided once, on the first CPU, so every CPU agrees). The boot CPU calls it from the
// agent bring-up; each AP must call it too before it runs an agent's thread.
void initialize_user_entry_for_this_cpu(uint32_t cpu_index);

// The calling CPU's block; only after initialize_user_entry_for_this_cpu.
inline UserEntryBlock& this_cpu_user_entry()
{
    UserEntryBlock* block;
    asm volatile("movq %%gs:0, %0" : "=r"(block));
    return *block;
}

// Where syscalls, interrupts and exceptions from user mode put their frames from now on.
inline void set_user_entry_stack(UserEntryBlock& block, uint64_t stack_top)
{
    block.kernel_stack_top = stack_top;
    block.tables->set_kernel_stack_for_user_entry(stack_top);
}

struct UserModeFeatures {
    bool smep;
    bool smap;
    bool umip;
};
UserModeFeatures user_mode_features();
bool user_entry_initialized_on_boot_cpu();

} // namespace gehri::arch

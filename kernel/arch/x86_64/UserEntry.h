#pragma once

#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/sched/UserState.h>
#include <stdint.h>

// How a CPU enters the kernel from user mode and leaves it again: SYSCALL/SYSRET and
// SMEP/SMAP/UMIP. The per-CPU fields the syscall entry uses live in CpuLocal (PerCpu.h), which
// also states the GS discipline: kernel GS_BASE = this CPU's CpuLocal, swapped with the user's
// by swapgs at every ring 3 crossing.
namespace gehri::arch {

// Decides once, on the boot CPU, which protections every CPU turns on (SMEP, SMAP and UMIP
// where CPUID has them), so all CPUs agree. Then, on the calling CPU: EFER.SCE,
// STAR/LSTAR/FMASK and those CR4 bits. The boot CPU calls it before it starts the others
// (start_multiprocessing); each AP calls it in ap_main before it can run an agent's thread.
void initialize_user_entry_for_this_cpu();

// The user state of the thread running on this CPU (null for a kernel thread). Stable while
// interrupts are off or the caller is that thread.
inline sched::UserState* current_user_state() { return this_cpu().current_user; }

struct UserModeFeatures {
    bool smep;
    bool smap;
    bool umip;
};
UserModeFeatures user_mode_features();
bool user_entry_initialized_on_boot_cpu();

} // namespace gehri::arch

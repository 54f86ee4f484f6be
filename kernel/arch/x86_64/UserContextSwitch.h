#pragma once

#include <kernel/sched/ThreadContext.h>

namespace gehri::arch {

// The user half of a context switch, called by the scheduler platform right before the
// register switch (SchedulerPlatform.cpp). Between two kernel threads it does nothing. When an
// agent's thread is involved:
//  - the outgoing thread's FPU/SSE registers are saved (FXSAVE64) into its UserState — the
//    kernel itself never touches them (-mgeneral-regs-only), so they are still the user's;
//  - the incoming thread's are loaded (FXRSTOR64), or a clean initial state on its first run,
//    so no agent ever sees another's registers;
//  - CR3 becomes the incoming agent's page tables, or the kernel's for a kernel thread (so no
//    CPU keeps a dead agent's tables loaded);
//  - the user's FS and GS bases go with their thread (GS's sits in KERNEL_GS_BASE while the
//    kernel runs);
//  - CpuLocal::current_user names the incoming thread's UserState.
// The entry stacks (CpuLocal::syscall_stack_top, TSS.RSP0) are set by switch_context itself
// for every thread.
void switch_user_state(sched::ThreadContext& from, sched::ThreadContext& to);

} // namespace gehri::arch

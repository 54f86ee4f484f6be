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
//  - syscall, interrupt and fault entries from user mode land on the incoming thread's
//    kernel stack (UserEntryBlock and TSS.RSP0).
void switch_user_state(sched::ThreadContext& from, sched::ThreadContext& to);

} // namespace gehri::arch

#pragma once

#include <stdint.h>

namespace gehri::sched {

struct UserState;

// What a switched-out thread leaves behind, as the architecture's context switch defines it.
// On x86_64 (kernel/arch/x86_64/ContextSwitch.S) the callee-saved registers and the return
// address are pushed on the thread's own stack, so the only thing to remember is where.
//
// Kernel threads need no FPU/SSE state: the kernel is built with -mgeneral-regs-only. A thread
// that runs user code points `user` at its UserState (UserState.h): its FPU/SSE registers,
// address space and kernel entry stack, which the switch saves and loads
// (kernel/arch/x86_64/UserContextSwitch.h).
struct ThreadContext {
    uintptr_t stack_pointer { 0 };
    UserState* user { nullptr };
};

} // namespace gehri::sched

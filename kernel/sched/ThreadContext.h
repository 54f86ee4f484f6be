#pragma once

#include <stdint.h>

namespace gehri::sched {

// What a switched-out thread leaves behind, as the architecture's context switch defines it.
// On x86_64 (kernel/arch/x86_64/ContextSwitch.S) the callee-saved registers and the return
// address are pushed on the thread's own stack, so the only thing to remember is where.
//
// Kernel threads need no FPU/SSE state: the kernel is built with -mgeneral-regs-only. When
// user agents arrive, their extended state (an FXSAVE/XSAVE area, 16/64-byte aligned) goes
// here, and the switch saves and restores it (see the note in ContextSwitch.S).
struct ThreadContext {
    uintptr_t stack_pointer { 0 };
};

} // namespace gehri::sched

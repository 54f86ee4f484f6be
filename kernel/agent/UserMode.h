#pragma once

#include <stdint.h>

// The portable face of entering user mode (implemented in kernel/arch/x86_64/UserMode.cpp).
namespace gehri::agent {

// The registers a thread starts user code with. Everything else is zero; interrupts are on.
struct UserEntryRegisters {
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    uint64_t arguments[4]; // x86_64: rdi, rsi, rdx, rcx
};

// Leaves the kernel for user mode on the calling thread, for good: the thread's kernel stack
// is reused from its top by every later entry (syscall, interrupt, fault).
[[noreturn]] void enter_user_mode(const UserEntryRegisters& registers);

// Whether the boot CPU can run user code yet (syscall entry and per-CPU state set up).
bool user_mode_available();

} // namespace gehri::agent

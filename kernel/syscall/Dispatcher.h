#pragma once

#include <kernel/sched/UserState.h>
#include <stdint.h>

namespace gehri::syscall {

// The registers of one syscall as the entry code saved them (x86_64: rax; rdi, rsi, rdx, r10,
// r8, r9), the bottom of the syscall frame.
struct SyscallArguments {
    uint64_t number;
    uint64_t values[6];
};

// How many syscalls the table has, and each one's name (null past the end): for logs and tests.
uint64_t syscall_count();
const char* syscall_name(uint64_t number);

} // namespace gehri::syscall

// Called by the architecture's syscall entry with interrupts enabled, on the calling
// thread's kernel stack. Returns the value for the caller's rax (>= 0, or -Error).
extern "C" int64_t gehri_syscall(const gehri::syscall::SyscallArguments* arguments, gehri::sched::UserState* caller);

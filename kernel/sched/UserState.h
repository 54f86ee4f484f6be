#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::sched {

// What a thread that runs user code (an agent's thread) carries besides its kernel context.
// The architecture's context switch uses it: it saves and restores the user's FPU/SSE
// registers and segment bases here and loads the agent's page tables (user-mode entries land
// on the thread's kernel stack, which every thread has). Kernel threads have none
// (ThreadContext::user is null), which the switch treats as "kernel address space, no
// extended state".
struct UserState {
    // Large enough for the architecture's save format (x86_64: the 512-byte FXSAVE image).
    static constexpr size_t extended_state_size = 512;

    alignas(64) uint8_t extended_state[extended_state_size] {};
    // False until the first switch away from the thread: the switch then loads the
    // architecture's initial FPU state instead of this (still empty) area.
    bool extended_state_saved { false };
    uintptr_t page_table_root { 0 };
    // The user's segment bases (x86_64: FS_BASE, and GS_BASE, which sits in KERNEL_GS_BASE
    // while the kernel runs), saved and loaded with the rest so none leaks between threads.
    uint64_t segment_bases[2] {};
    // The kernel object that owns this state (an object::Thread), for the syscall layer.
    void* owner { nullptr };
};

} // namespace gehri::sched

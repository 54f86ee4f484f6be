#pragma once

#include <kernel/lib/StringView.h>
#include <kernel/sched/UserState.h>
#include <stdint.h>

namespace gehri::agent {

// A CPU exception raised by user code, as the architecture describes it.
struct UserFault {
    uint32_t vector;
    uint32_t error_code;
    StringView description; // "Page fault (#PF) [not-present read user-mode]"
    bool has_address; // a page fault: `address` is the faulting address
    uint64_t address;
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
};

// Kills the agent whose thread faulted (the calling thread, whose user state is `state`):
// reports the fault on the console with the agent's id and name, records it as the agent's
// exit and ends the thread (the agent's other threads end at their next kernel entry). The
// rest of the system keeps running.
[[noreturn]] void kill_for_fault(sched::UserState& state, const UserFault& fault);

// A not-present page fault at a user address, from user mode or from a kernel routine copying
// user memory, by the thread whose user state is `state`: true if it was demand-zero memory of
// the agent and is mapped now (retry the access). When no free page is left the agent is
// killed (the thread ends at its next return to user mode) and the fault is not resolved.
bool resolve_user_page_fault(sched::UserState& state, uint64_t address, bool write, bool execute);

// On every return to user mode from an interrupt or exception: waits while the system is
// frozen (Freeze.h), and ends the thread if its agent is being killed.
void on_return_to_user(sched::UserState& state);

} // namespace gehri::agent

#pragma once

#include <user/libgehri/Handle.h>

namespace gehri {

// The running agent's view of itself, handed to main(): who it is, the handles the kernel gave
// it at start, and the argument its creator chose.
class Agent {
public:
    Agent(HandleValue self, HandleValue thread, uint64_t argument, system::AgentId id)
        : m_self(self)
        , m_thread(thread)
        , m_argument(argument)
        , m_id(id)
    {
    }

    system::AgentId id() const { return m_id; }
    uint64_t argument() const { return m_argument; }
    // Handles to this agent and to its (first) thread: Read, Wait and Duplicate rights.
    const Handle& handle() const { return m_self; }
    const Handle& thread_handle() const { return m_thread; }
    // The handle its creator granted it under `name` (init grants the manifest's capabilities
    // under their manifest names: "blackboard:fire", "channel:jobs"), once; NotFound if none.
    Result<Handle> capability(StringView name) const { return Handle(TRY(system::bootstrap_take(name))); }

private:
    Handle m_self;
    Handle m_thread;
    uint64_t m_argument;
    system::AgentId m_id;
};

// The running agent (the object main() was given), for code that was not handed it.
Agent& this_agent();

// The top of the first thread's stack (exclusive): where the kernel put it (right above the
// program, or just below 0x7fff00000000 when that does not fit). Nothing is mapped in the page
// above it.
uint64_t initial_stack_top();

} // namespace gehri

// What every agent defines: its work. The return value is the agent's exit status.
int main(gehri::Agent& self);

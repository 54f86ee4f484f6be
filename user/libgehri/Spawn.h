#pragma once

#include <kernel/lib/Span.h>
#include <user/libgehri/Collective.h>
#include <user/libgehri/Handle.h>

namespace gehri {

// A handle a new agent finds under a name (the manifest's "blackboard:fire", "channel:jobs").
struct SpawnGrant {
    StringView name;
    Handle* handle { nullptr };
};

// What a new agent gets (see abi::SpawnRequest).
struct SpawnOptions {
    StringView program; // "bin/hello"
    StringView name; // empty: the program's
    uint64_t argument { 0 };
    uint64_t memory_quota { 0 }; // bytes, a multiple of 4096; 0: abi::default_memory_quota
    uint32_t priority_class { 2 }; // 0 emergency, 1 interactive, 2 normal, 3 batch
    uint32_t weight { 1024 };
    bool may_spawn { false };
    // The child may take the screen (Display::acquire); the spawner handle needs Rights::Display.
    bool may_display { false };
    uint32_t handle_capacity { 0 }; // 0: the default (256); at most 32768
    // A handle (with Transfer) that moves to the child, which gets it from bootstrap_handle();
    // on success *bootstrap is emptied. Null: none.
    Handle* bootstrap { nullptr };
    // Named handles (with Transfer) that move to the child, which takes each with
    // Agent::capability(name); on success each is emptied. At most abi::max_capability_grants.
    Span<const SpawnGrant> grants {};
};

// The handle this agent's creator gave it (SpawnOptions::bootstrap), once; NotFound if none.
inline Result<Handle> bootstrap_handle() { return Handle(TRY(system::bootstrap_handle())); }

// A child agent this agent started: owns the handle (Read, Wait, Kill, Duplicate, Transfer,
// Quarantine).
class ChildAgent {
public:
    ChildAgent() = default;
    explicit ChildAgent(Handle handle)
        : m_handle(std::move(handle))
    {
    }

    const Handle& handle() const { return m_handle; }
    // Gives the handle to the caller (this object no longer closes it).
    Handle release_handle() { return std::move(m_handle); }
    Result<abi::AgentInfo> info() const { return system::agent_info(m_handle.value()); }
    Result<abi::ExitInfo> wait(uint64_t timeout_ns = abi::wait_forever) const { return system::wait(m_handle.value(), timeout_ns); }
    Result<void> kill(int32_t status = -1) const { return system::kill(m_handle.value(), status); }
    // Cuts the child off (it keeps running) as a reputation quarantine would; lift() ends only
    // a quarantine this agent imposed. See abi::Syscall::AgentQuarantine.
    Result<void> quarantine(StringView reason) const { return system::agent_quarantine(m_handle.value(), true, reason); }
    Result<void> lift_quarantine() const { return system::agent_quarantine(m_handle.value(), false); }

private:
    Handle m_handle;
};

// Starts a child of the agent `spawner` names (Rights::Spawn), usually this_agent().handle().
Result<ChildAgent> spawn(const Handle& spawner, const SpawnOptions& options);

// A thread of this agent running function(argument); ends when the function returns.
Result<Handle> start_thread(void (*function)(void*), void* argument, uint64_t stack_size = 0);

} // namespace gehri

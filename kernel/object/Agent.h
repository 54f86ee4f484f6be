#pragma once

#include <kernel/agent/UserAddressSpace.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/object/HandleTable.h>
#include <kernel/object/KernelObject.h>
#include <kernel/sched/WaitQueue.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {

// Kernel-assigned, from 1 up, never reused while the system runs.
using AgentId = uint64_t;

// An agent: a program running in ring 3 in an address space of its own, which touches the
// world only through the handles in its table and system calls. This slice gives each agent
// one thread (Thread.h); the agent has exited once its last thread has exited and been
// reaped, at which point its memory is already released and waiters are woken.
class Agent final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Agent;
    static constexpr size_t max_name_length = 31;

    // A new agent with an empty address space and handle table. Names longer than
    // max_name_length are cut.
    static Result<RefPtr<Agent>> create(StringView name, size_t handle_capacity = HandleTable::default_capacity);
    ~Agent() override;

    AgentId id() const { return m_id; }
    StringView name() const { return { m_name, m_name_length }; }
    HandleTable& handles() { return *m_handles; }
    agent::UserAddressSpace& memory() { return *m_memory; }

    // --- Life cycle, driven by its threads --------------------------------------------------
    void on_thread_started();
    // The first exit recorded is the agent's (Exit from any thread, or a fault). When the last
    // thread leaves, the handle table is emptied (references to other objects, and to itself,
    // are dropped at once rather than when the last outside reference goes).
    void on_thread_exiting(const abi::ExitInfo& info);
    // By the reaper, once the thread is off every CPU: the last one releases the memory and
    // makes the agent exited.
    void on_thread_reaped();

    bool has_exited() const { return __atomic_load_n(&m_exited, __ATOMIC_ACQUIRE); }
    // Meaningful once has_exited().
    const abi::ExitInfo& exit_info() const { return m_exit_info; }
    // Waits until the agent has exited (TimedOut at the deadline, in the scheduler's clock).
    Result<abi::ExitInfo> wait_for_exit(uint64_t deadline_ns);

    // Agents alive (created and not yet destroyed): for leak tests and statistics.
    static size_t live_count();

private:
    Agent(AgentId id, StringView name, OwnPtr<HandleTable> handles, OwnPtr<agent::UserAddressSpace> memory);

    AgentId m_id;
    char m_name[max_name_length + 1] {};
    size_t m_name_length { 0 };
    OwnPtr<HandleTable> m_handles;
    OwnPtr<agent::UserAddressSpace> m_memory;

    Spinlock m_lock; // the fields below
    uint32_t m_live_threads { 0 };
    bool m_exit_recorded { false };
    abi::ExitInfo m_exit_info {};
    bool m_exited { false };
    sched::WaitQueue m_exit_waiters;
};

} // namespace gehri::object

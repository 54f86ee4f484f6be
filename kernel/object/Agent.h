#pragma once

#include <kernel/agent/UserAddressSpace.h>
#include <kernel/ipc/DeliveryGate.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/object/CapabilityGrants.h>
#include <kernel/object/HandleTable.h>
#include <kernel/object/KernelObject.h>
#include <kernel/sched/PriorityClass.h>
#include <kernel/sched/WeightComposition.h>
#include <kernel/sched/WaitQueue.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {

class Thread;

// Kernel-assigned, from 1 up, never reused while the system runs.
using AgentId = uint64_t;

struct AgentOptions {
    uint64_t memory_quota { agent::UserAddressSpace::unlimited };
    sched::PriorityClass priority_class { sched::PriorityClass::Normal };
    uint32_t weight { sched::default_weight };
    size_t handle_capacity { HandleTable::default_capacity };
    // Its supervisor: pays its quota until it has ended, and is told when it ends (WaitChild).
    // Null for agents the kernel starts.
    class Agent* parent { nullptr };
};

// A snapshot of one agent for the console's ps and top.
struct AgentSnapshot {
    AgentId id;
    char name[32];
    bool exited;
    bool kill_requested;
    bool isolated;
    bool quarantined;
    sched::PriorityClass priority_class;
    uint32_t weight;
    uint32_t threads;
    uint64_t cpu_time_ns;
    uint64_t memory_resident;
    uint64_t memory_quota;
    AgentId parent;
};

// An agent: a program running in ring 3 in an address space of its own, which touches the
// world only through the handles in its table and system calls. It has one or more threads
// (Thread.h); it has exited once its last thread has exited and been reaped, at which point its
// memory is released, its parent is told and waiters are woken.
class Agent final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Agent;
    static constexpr size_t max_name_length = 31;

    // A new agent with an empty address space and handle table. Names longer than
    // max_name_length are cut. With a parent, the quota is charged to the parent's
    // (QuotaExceeded).
    static Result<RefPtr<Agent>> create(StringView name, const AgentOptions& options = {});
    ~Agent() override;

    AgentId id() const { return m_id; }
    StringView name() const { return { m_name, m_name_length }; }
    HandleTable& handles() { return *m_handles; }
    // The handle its creator gave it at spawn (SpawnOptions::bootstrap), once: the first call
    // returns it, later ones invalid_handle.
    void set_bootstrap_handle(HandleValue handle) { __atomic_store_n(&m_bootstrap_handle, handle, __ATOMIC_RELEASE); }
    HandleValue take_bootstrap_handle() { return __atomic_exchange_n(&m_bootstrap_handle, invalid_handle, __ATOMIC_ACQ_REL); }
    // The named handles its creator granted it (SpawnOptions::grants), for BootstrapTake.
    CapabilityGrants& grants() { return m_grants; }
    agent::UserAddressSpace& memory() { return *m_memory; }
    sched::PriorityClass priority_class() const { return m_priority_class; }
    // The weight its threads run at: sched::compose_weight of its own weight, a weight lease won
    // at auction, and its trust factor (docs/collective.md).
    uint32_t weight() const { return __atomic_load_n(&m_weight, __ATOMIC_ACQUIRE); }
    uint32_t own_weight() const { return m_own_weight; }
    // A weight lease in force (0: none, its own weight again). InvalidArgument for a bad weight.
    Result<void> set_leased_weight(uint32_t weight);
    // The reputation's verdict, 1..10^6 parts per million of the weight (InvalidArgument else).
    Result<void> set_trust_factor(uint32_t factor_ppm);
    uint32_t trust_factor() const;
    // Break-glass isolation and reputation quarantine (docs/collective.md): a cut-off agent
    // keeps running but takes no part in proposals, votes, auctions, leases or topics (its
    // subscriptions stop receiving) until a human, or for a quarantine a vote, lifts it.
    bool is_isolated() const { return m_gate->has(ipc::DeliveryGate::Reason::Isolated); }
    void set_isolated(bool isolated) { m_gate->set(ipc::DeliveryGate::Reason::Isolated, isolated); }
    bool is_quarantined() const { return m_gate->has(ipc::DeliveryGate::Reason::Quarantined); }
    void set_quarantined(bool quarantined) { m_gate->set(ipc::DeliveryGate::Reason::Quarantined, quarantined); }
    bool is_cut_off() const { return m_gate->is_closed(); }
    // Shared with every subscription the agent makes.
    const ipc::RefPtr<ipc::DeliveryGate>& delivery_gate() const { return m_gate; }
    uint32_t thread_count() const;

    // --- Life cycle, driven by its threads --------------------------------------------------
    // InvalidArgument once the agent is ending (killed or exited).
    Result<void> on_thread_started(Thread& thread);
    // The first exit recorded is the agent's (Exit from any thread, a fault, a kill). When the
    // last thread leaves, the handle table is emptied (references to other objects, and to
    // itself, are dropped at once rather than when the last outside reference goes).
    void on_thread_exiting(const abi::ExitInfo& info);
    // By the reaper, once the thread is off every CPU: the last one releases the memory, makes
    // the agent exited and tells its parent.
    void on_thread_reaped(Thread& thread);

    // Ends the agent: records `info` as its exit (unless one is recorded already) and makes
    // every thread end at its next entry into the kernel (or at once if it is waiting in one).
    void kill(const abi::ExitInfo& info);
    // A thread of this agent sleeps on `queue` until something happens or the agent is killed:
    // kill() wakes the queue at once, so no wait needs a periodic kill check. Use
    // wait_killably (KillableWait.h), which records the queue and adds is_ending() to the
    // condition.
    void begin_interruptible_wait(Thread& thread, sched::WaitQueue& queue);
    void end_interruptible_wait(Thread& thread);
    bool is_ending() const { return __atomic_load_n(&m_ending, __ATOMIC_ACQUIRE); }
    // Meaningful once is_ending(): the exit the threads should take.
    abi::ExitInfo recorded_exit() const;

    bool has_exited() const { return __atomic_load_n(&m_exited, __ATOMIC_ACQUIRE); }
    // Meaningful once has_exited().
    const abi::ExitInfo& exit_info() const { return m_exit_info; }
    // Waits until the agent has exited (TimedOut at the deadline, in the scheduler's clock).
    // Interrupted if the agent of `waiter` (the calling thread; null for the kernel) is killed
    // meanwhile.
    Result<abi::ExitInfo> wait_for_exit(uint64_t deadline_ns, Thread* waiter = nullptr);

    // The next child that has ended (NotFound if no child is left; TimedOut; Interrupted).
    Result<abi::ChildExit> wait_for_child(uint64_t deadline_ns);

    // Agents alive (created and not yet destroyed): for leak tests and statistics.
    static size_t live_count();
    // The agent with this id, if it is alive and has not exited.
    static RefPtr<Agent> find(AgentId id);
    // The ids of the agents named `group` (docs/policy.md, "WHO") that are alive, not exiting
    // and not isolated, oldest first, as many as `out` holds; returns how many there are in all
    // (more than out.size() when they did not fit). A proposal's group electorate.
    static size_t find_group(StringView group, Span<AgentId> out);
    // The ids of the agents that have not exited, as many as `out` holds; returns how many there
    // are in all. One pass, for checking a large electorate (find() is a pass per id).
    static size_t living_ids(Span<AgentId> out);
    // Snapshots of the agents alive, oldest first, at most `limit`; returns how many.
    static size_t snapshot_all(AgentSnapshot* out, size_t limit);
    // This agent alone (memory_resident is left 0: snapshot_all fills it).
    AgentSnapshot snapshot() const;

private:
    void log_clean_or_failed_exit(int32_t status) const;
    // m_lock held: composes the weight from its parts and gives it to every thread.
    Result<void> apply_weight_locked();
    Agent(AgentId id, StringView name, const AgentOptions& options, OwnPtr<HandleTable> handles, OwnPtr<agent::UserAddressSpace> memory,
        ipc::RefPtr<ipc::DeliveryGate> gate);
    void on_child_exited(Agent& child);
    void drop_exited_children();

    // Kills every child still alive (kill_status_parent_gone); each does the same for its own
    // when it ends. Once the agent has exited, so that it can have no new child.
    void kill_living_children();
    // Up to `limit` children alive and not yet ending, each with a reference; how many.
    size_t collect_living_children(RefPtr<Agent>* out, size_t limit);

    AgentId m_id;
    AgentId m_parent_id { 0 }; // fixed at creation (m_parent is dropped once this agent exits)
    char m_name[max_name_length + 1] {};
    size_t m_name_length { 0 };
    sched::PriorityClass m_priority_class;
    uint32_t m_weight;     // composed; the parts below are guarded by m_lock
    uint32_t m_own_weight;
    uint32_t m_leased_weight { 0 };
    uint32_t m_trust_factor { sched::trust_factor_one };
    ipc::RefPtr<ipc::DeliveryGate> m_gate;
    OwnPtr<HandleTable> m_handles;
    OwnPtr<agent::UserAddressSpace> m_memory;
    RefPtr<Agent> m_parent; // until this agent has exited
    uint64_t m_charged_to_parent { 0 };
    HandleValue m_bootstrap_handle { invalid_handle };
    CapabilityGrants m_grants;

    mutable Spinlock m_lock; // the fields below
    Thread* m_threads { nullptr }; // started and not yet reaped, linked through next_in_agent
    uint32_t m_live_threads { 0 };
    uint64_t m_reaped_cpu_time_ns { 0 };
    bool m_ending { false };
    bool m_exit_recorded { false };
    abi::ExitInfo m_exit_info {};
    bool m_exited { false };
    sched::WaitQueue m_exit_waiters;
    // Children: how many have not yet been reported, and those that ended (each holds a
    // reference) in the order they ended, linked through m_next_exited.
    uint32_t m_unreported_children { 0 };
    Agent* m_exited_children_head { nullptr };
    Agent* m_exited_children_tail { nullptr };
    Agent* m_next_exited { nullptr };
    sched::WaitQueue m_child_waiters;

    // The registry of live agents (ps, kill by id).
    Agent* m_registry_previous { nullptr };
    Agent* m_registry_next { nullptr };
};

} // namespace gehri::object

#include <kernel/agent/Freeze.h>
#include <kernel/arch/Cpu.h>
#include <kernel/display/Display.h>
#include <kernel/govern/Collective.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/Agent.h>
#include <kernel/object/KillableWait.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::object {

namespace {
AgentId s_next_id = 1;
size_t s_live_count = 0;

// The registry of live agents, oldest first.
Spinlock s_registry_lock;
Agent* s_registry_head = nullptr;
Agent* s_registry_tail = nullptr;

} // namespace

Result<RefPtr<Agent>> Agent::create(StringView name, const AgentOptions& options)
{
    if (!sched::is_valid(options.priority_class) || !sched::is_valid_weight(options.weight))
        return Error::InvalidArgument;
    AgentId id = __atomic_fetch_add(&s_next_id, 1, __ATOMIC_RELAXED);
    // Handle values should differ between agents and between boots.
    uint64_t seed = arch::read_timestamp_counter() ^ (id * 0x9e3779b97f4a7c15ull);
    auto handles = TRY(HandleTable::create(options.handle_capacity, seed));
    auto memory = TRY(agent::UserAddressSpace::create(options.memory_quota));
    auto gate = TRY(ipc::DeliveryGate::create());
    if (options.parent != nullptr) {
        if (options.memory_quota == agent::UserAddressSpace::unlimited)
            return Error::InvalidArgument;
        TRY(options.parent->memory().charge(options.memory_quota));
    }
    auto* agent = new (std::nothrow) Agent(id, name, options, std::move(handles), std::move(memory), std::move(gate));
    if (agent == nullptr) {
        if (options.parent != nullptr)
            options.parent->memory().refund(options.memory_quota);
        return Error::OutOfMemory;
    }
    return RefPtr<Agent>::adopt(*agent);
}

Agent::Agent(AgentId id, StringView name, const AgentOptions& options, OwnPtr<HandleTable> handles, OwnPtr<agent::UserAddressSpace> memory,
    ipc::RefPtr<ipc::DeliveryGate> gate)
    : KernelObject(object_type)
    , m_id(id)
    , m_priority_class(options.priority_class)
    , m_weight(options.weight)
    , m_own_weight(options.weight)
    , m_gate(std::move(gate))
    , m_handles(std::move(handles))
    , m_memory(std::move(memory))
    , m_parent(options.parent)
{
    m_parent_id = options.parent != nullptr ? options.parent->m_id : 0;
    m_name_length = name.length() < max_name_length ? name.length() : max_name_length;
    for (size_t i = 0; i < m_name_length; ++i)
        m_name[i] = name[i];
    if (m_parent) {
        m_charged_to_parent = options.memory_quota;
        InterruptSafeGuard guard(m_parent->m_lock);
        ++m_parent->m_unreported_children;
    }
    __atomic_fetch_add(&s_live_count, 1, __ATOMIC_RELAXED);
    InterruptSafeGuard guard(s_registry_lock);
    m_registry_previous = s_registry_tail;
    if (s_registry_tail != nullptr)
        s_registry_tail->m_registry_next = this;
    else
        s_registry_head = this;
    s_registry_tail = this;
}

Agent::~Agent()
{
    // A running thread holds a reference to its agent, so none runs now.
    VERIFY(m_live_threads == 0);
    {
        InterruptSafeGuard guard(s_registry_lock);
        if (m_registry_previous != nullptr)
            m_registry_previous->m_registry_next = m_registry_next;
        else
            s_registry_head = m_registry_next;
        if (m_registry_next != nullptr)
            m_registry_next->m_registry_previous = m_registry_previous;
        else
            s_registry_tail = m_registry_previous;
    }
    drop_exited_children();
    if (m_parent) {
        // It never ran (a failed spawn): the parent still counts it and pays for it.
        {
            InterruptSafeGuard guard(m_parent->m_lock);
            --m_parent->m_unreported_children;
        }
        m_parent->memory().refund(m_charged_to_parent);
    }
    __atomic_fetch_sub(&s_live_count, 1, __ATOMIC_RELAXED);
}

size_t Agent::live_count() { return __atomic_load_n(&s_live_count, __ATOMIC_RELAXED); }

RefPtr<Agent> Agent::find(AgentId id)
{
    InterruptSafeGuard guard(s_registry_lock);
    for (Agent* agent = s_registry_head; agent != nullptr; agent = agent->m_registry_next) {
        // A reference count of 0 means its destructor is about to unlink it.
        if (agent->m_id == id && !agent->has_exited() && agent->try_ref())
            return RefPtr<Agent>::adopt(*agent);
    }
    return nullptr;
}

uint32_t Agent::thread_count() const
{
    InterruptSafeGuard guard(m_lock);
    return m_live_threads;
}

AgentSnapshot Agent::snapshot() const
{
    AgentSnapshot snapshot {};
    snapshot.id = m_id;
    for (size_t i = 0; i < m_name_length; ++i)
        snapshot.name[i] = m_name[i];
    snapshot.priority_class = m_priority_class;
    snapshot.weight = weight();
    snapshot.isolated = is_isolated();
    snapshot.quarantined = is_quarantined();
    snapshot.parent = m_parent_id;
    snapshot.memory_quota = m_memory->quota();
    InterruptSafeGuard guard(m_lock);
    snapshot.exited = m_exited;
    snapshot.kill_requested = m_ending;
    snapshot.threads = m_live_threads;
    snapshot.cpu_time_ns = m_reaped_cpu_time_ns;
    for (Thread* thread = m_threads; thread != nullptr; thread = thread->next_in_agent)
        snapshot.cpu_time_ns += thread->kernel_thread().cpu_time_ns();
    return snapshot;
}

size_t Agent::find_group(StringView group, Span<AgentId> out)
{
    size_t count = 0;
    InterruptSafeGuard guard(s_registry_lock);
    for (Agent* agent = s_registry_head; agent != nullptr; agent = agent->m_registry_next) {
        if (agent->name() != group || agent->has_exited() || agent->is_ending() || agent->is_isolated())
            continue;
        if (count < out.size())
            out[count] = agent->m_id;
        ++count;
    }
    return count;
}

size_t Agent::living_ids(Span<AgentId> out)
{
    size_t count = 0;
    InterruptSafeGuard guard(s_registry_lock);
    for (Agent* agent = s_registry_head; agent != nullptr; agent = agent->m_registry_next) {
        if (agent->has_exited())
            continue;
        if (count < out.size())
            out[count] = agent->m_id;
        ++count;
    }
    return count;
}

size_t Agent::snapshot_all(AgentSnapshot* out, size_t limit)
{
    size_t count = 0;
    InterruptSafeGuard guard(s_registry_lock);
    for (Agent* agent = s_registry_head; agent != nullptr && count < limit; agent = agent->m_registry_next) {
        out[count] = agent->snapshot();
        // Resident memory takes the address space's own lock; read it here, still registered.
        out[count].memory_resident = agent->m_memory->resident_bytes();
        ++count;
    }
    return count;
}

Result<void> Agent::on_thread_started(Thread& thread)
{
    InterruptSafeGuard guard(m_lock);
    if (m_ending || m_exited)
        return Error::InvalidArgument;
    ++m_live_threads;
    thread.next_in_agent = m_threads;
    m_threads = &thread;
    return {};
}

void Agent::on_thread_exiting(const abi::ExitInfo& info)
{
    bool last = false;
    bool first_exit = false;
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(m_live_threads > 0);
        last = m_live_threads == 1;
        // One thread ending (ThreadExit) is not the agent ending: only its last thread's exit,
        // or an Exit or kill (recorded by kill() first), says how the agent ended.
        if (!m_exit_recorded && last) {
            m_exit_recorded = true;
            m_exit_info = info;
            first_exit = true;
        }
    }
    if (first_exit && info.reason == abi::ExitReason::Exited)
        log_clean_or_failed_exit(info.status);
    if (last)
        m_handles->close_all();
}

// A clean exit is routine (thousands of agents come and go), and a console line costs more than
// the spawn itself (under -icount: 2.7 M instructions, mostly scrolling the framebuffer, against
// 84,000 for spawn + wait); a failing status is news. Faults and kills are reported where they
// happen, and supervisors report their children's ends.
void Agent::log_clean_or_failed_exit(int32_t status) const
{
    if (status == 0)
        log::debug("agent {} ({}) exited with status 0", m_id, name());
    else
        log::info("agent {} ({}) exited with status {}", m_id, name(), status);
}

void Agent::kill(const abi::ExitInfo& info)
{
    bool first = false;
    {
        InterruptSafeGuard guard(m_lock);
        if (!m_exit_recorded) {
            m_exit_recorded = true;
            m_exit_info = info;
            first = true;
        }
        __atomic_store_n(&m_ending, true, __ATOMIC_RELEASE);
        // Under the lock, so that no queue is woken after its wait ended (queues live on the
        // waiters' stacks). Lock order: agent, then wait queue.
        for (Thread* thread = m_threads; thread != nullptr; thread = thread->next_in_agent) {
            if (thread->interruptible_wait != nullptr)
                sched::kernel_scheduler().wake_all(*thread->interruptible_wait);
            // A caller parked in ChannelCall sleeps there without registering (it checks
            // is_ending() under that queue's lock before it sleeps).
            sched::kernel_scheduler().wake_all(thread->call_queue);
        }
    }
    // The kernel's kills of orphans are told once per tree, by the agent whose end began it
    // (kill_living_children): a thousand console lines would cost billions of instructions.
    if (first && info.reason == abi::ExitReason::Killed && info.status == abi::kill_status_parent_gone)
        log::debug("agent {} ({}) killed: its parent ended", m_id, name());
    else if (first && info.reason == abi::ExitReason::Killed)
        log::info("agent {} ({}) killed with status {}", m_id, name(), info.status);
    else if (first && info.reason == abi::ExitReason::Exited)
        log_clean_or_failed_exit(info.status);
    // Threads blocked in WaitChild or frozen are not in a recorded wait: wake them too.
    sched::kernel_scheduler().wake_all(m_child_waiters);
    agent::wake_frozen_threads();
}

Result<void> Agent::apply_weight_locked()
{
    uint32_t weight = sched::compose_weight(m_own_weight, m_leased_weight, m_trust_factor);
    __atomic_store_n(&m_weight, weight, __ATOMIC_RELEASE);
    for (Thread* thread = m_threads; thread != nullptr; thread = thread->next_in_agent)
        TRY(sched::kernel_scheduler().set_weight(thread->kernel_thread(), weight));
    return {};
}

Result<void> Agent::set_leased_weight(uint32_t weight)
{
    if (weight != 0 && !sched::is_valid_weight(weight))
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    m_leased_weight = weight;
    return apply_weight_locked();
}

Result<void> Agent::set_trust_factor(uint32_t factor_ppm)
{
    if (factor_ppm == 0 || factor_ppm > sched::trust_factor_one)
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    m_trust_factor = factor_ppm;
    return apply_weight_locked();
}

uint32_t Agent::trust_factor() const
{
    InterruptSafeGuard guard(m_lock);
    return m_trust_factor;
}

void Agent::begin_interruptible_wait(Thread& thread, sched::WaitQueue& queue)
{
    InterruptSafeGuard guard(m_lock);
    thread.interruptible_wait = &queue;
}

void Agent::end_interruptible_wait(Thread& thread)
{
    InterruptSafeGuard guard(m_lock);
    thread.interruptible_wait = nullptr;
}

abi::ExitInfo Agent::recorded_exit() const
{
    InterruptSafeGuard guard(m_lock);
    return m_exit_info;
}

void Agent::on_thread_reaped(Thread& thread)
{
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(m_live_threads > 0);
        Thread** link = &m_threads;
        while (*link != nullptr && *link != &thread)
            link = &(*link)->next_in_agent;
        if (*link == &thread)
            *link = thread.next_in_agent;
        m_reaped_cpu_time_ns += thread.kernel_thread().cpu_time_ns();
        if (--m_live_threads > 0)
            return;
        m_ending = true;
    }
    // No thread of the agent is on any CPU any more, so its page tables are loaded nowhere.
    m_memory->release();
    drop_exited_children();
    __atomic_store_n(&m_exited, true, __ATOMIC_RELEASE);
    // A dead holder loses its leases at once and its waiters are told (docs/collective.md).
    govern::collective_agent_exited(m_id);
    // A screen it held goes back to the kernel console (its mapping went with the memory).
    display::agent_exited(m_id);
    sched::kernel_scheduler().wake_all(m_exit_waiters);
    kill_living_children();
    if (RefPtr<Agent> parent = std::move(m_parent)) {
        parent->memory().refund(m_charged_to_parent);
        parent->on_child_exited(*this);
    }
}

size_t Agent::collect_living_children(RefPtr<Agent>* out, size_t limit)
{
    size_t count = 0;
    InterruptSafeGuard guard(s_registry_lock);
    for (Agent* agent = s_registry_head; agent != nullptr && count < limit; agent = agent->m_registry_next) {
        // A reference count of 0 means its destructor is about to unlink it.
        if (agent->m_parent_id == m_id && !agent->has_exited() && !agent->is_ending() && agent->try_ref())
            out[count++] = RefPtr<Agent>::adopt(*agent);
    }
    return count;
}

void Agent::kill_living_children()
{
    constexpr size_t batch = 32; // kills happen outside the registry lock
    size_t killed = 0;
    for (;;) {
        RefPtr<Agent> children[batch];
        size_t count = collect_living_children(children, batch);
        if (count == 0)
            break;
        // A killed child is ending: the next scan skips it, so the loop ends.
        for (size_t i = 0; i < count; ++i)
            children[i]->kill({ .reason = abi::ExitReason::Killed, .status = abi::kill_status_parent_gone });
        killed += count;
    }
    if (killed == 0)
        return;
    bool cascaded = m_exit_info.reason == abi::ExitReason::Killed && m_exit_info.status == abi::kill_status_parent_gone;
    if (cascaded)
        log::debug("agent {} ({}) ended: killed its {} living children", m_id, name(), killed);
    else
        log::info("agent {} ({}) ended: killed its {} living children and their descendants (status {})", m_id, name(), killed,
            abi::kill_status_parent_gone);
}

void Agent::on_child_exited(Agent& child)
{
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(m_unreported_children > 0);
        if (!m_exited) {
            child.ref(); // the queue's reference
            child.m_next_exited = nullptr;
            if (m_exited_children_tail != nullptr)
                m_exited_children_tail->m_next_exited = &child;
            else
                m_exited_children_head = &child;
            m_exited_children_tail = &child;
        } else {
            --m_unreported_children;
        }
    }
    sched::kernel_scheduler().wake_all(m_child_waiters);
}

void Agent::drop_exited_children()
{
    for (;;) {
        Agent* child = nullptr;
        {
            InterruptSafeGuard guard(m_lock);
            child = m_exited_children_head;
            if (child == nullptr)
                return;
            m_exited_children_head = child->m_next_exited;
            if (m_exited_children_head == nullptr)
                m_exited_children_tail = nullptr;
            --m_unreported_children;
        }
        child->unref();
    }
}

Result<abi::ExitInfo> Agent::wait_for_exit(uint64_t deadline_ns, Thread* waiter)
{
    TRY(wait_killably(m_exit_waiters, [this] { return has_exited(); }, deadline_ns, waiter));
    return m_exit_info;
}

Result<abi::ChildExit> Agent::wait_for_child(uint64_t deadline_ns)
{
    auto ready = [this] {
        InterruptSafeGuard guard(m_lock);
        return m_exited_children_head != nullptr || m_unreported_children == 0 || m_ending;
    };
    // Not a registered interruptible wait: `ready` takes this agent's lock, and kill() wakes
    // m_child_waiters itself, after setting m_ending and dropping the lock.
    TRY(sched::kernel_scheduler().wait_until(m_child_waiters, ready, deadline_ns));
    Agent* child = nullptr;
    {
        InterruptSafeGuard guard(m_lock);
        if (m_ending)
            return Error::Interrupted;
        child = m_exited_children_head;
        if (child == nullptr)
            return Error::NotFound;
        m_exited_children_head = child->m_next_exited;
        if (m_exited_children_head == nullptr)
            m_exited_children_tail = nullptr;
        --m_unreported_children;
    }
    abi::ChildExit report { .id = child->m_id, .info = child->m_exit_info };
    child->unref();
    return report;
}

} // namespace gehri::object

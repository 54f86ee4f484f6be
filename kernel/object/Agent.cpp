#include <kernel/arch/Cpu.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::object {

namespace {
AgentId s_next_id = 1;
size_t s_live_count = 0;
} // namespace

Result<RefPtr<Agent>> Agent::create(StringView name, size_t handle_capacity)
{
    AgentId id = __atomic_fetch_add(&s_next_id, 1, __ATOMIC_RELAXED);
    // Handle values should differ between agents and between boots.
    uint64_t seed = arch::read_timestamp_counter() ^ (id * 0x9e3779b97f4a7c15ull);
    auto handles = TRY(HandleTable::create(handle_capacity, seed));
    auto memory = TRY(agent::UserAddressSpace::create());
    return adopt_ref_if_nonnull(new (std::nothrow) Agent(id, name, std::move(handles), std::move(memory)));
}

Agent::Agent(AgentId id, StringView name, OwnPtr<HandleTable> handles, OwnPtr<agent::UserAddressSpace> memory)
    : KernelObject(object_type)
    , m_id(id)
    , m_handles(std::move(handles))
    , m_memory(std::move(memory))
{
    m_name_length = name.length() < max_name_length ? name.length() : max_name_length;
    for (size_t i = 0; i < m_name_length; ++i)
        m_name[i] = name[i];
    __atomic_fetch_add(&s_live_count, 1, __ATOMIC_RELAXED);
}

Agent::~Agent()
{
    // A running thread holds a reference to its agent, so none runs now.
    VERIFY(m_live_threads == 0);
    __atomic_fetch_sub(&s_live_count, 1, __ATOMIC_RELAXED);
}

size_t Agent::live_count() { return __atomic_load_n(&s_live_count, __ATOMIC_RELAXED); }

void Agent::on_thread_started()
{
    InterruptSafeGuard guard(m_lock);
    VERIFY(!m_exited);
    ++m_live_threads;
}

void Agent::on_thread_exiting(const abi::ExitInfo& info)
{
    bool last = false;
    bool first_exit = false;
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(m_live_threads > 0);
        if (!m_exit_recorded) {
            m_exit_recorded = true;
            m_exit_info = info;
            first_exit = true;
        }
        last = m_live_threads == 1;
    }
    if (first_exit && info.reason == abi::ExitReason::Exited)
        log::info("agent {} ({}) exited with status {}", m_id, name(), info.status);
    if (last)
        m_handles->close_all();
}

void Agent::on_thread_reaped()
{
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(m_live_threads > 0);
        if (--m_live_threads > 0)
            return;
    }
    // No thread of the agent is on any CPU any more, so its page tables are loaded nowhere.
    m_memory->release();
    __atomic_store_n(&m_exited, true, __ATOMIC_RELEASE);
    sched::kernel_scheduler().wake_all(m_exit_waiters);
}

Result<abi::ExitInfo> Agent::wait_for_exit(uint64_t deadline_ns)
{
    TRY(sched::kernel_scheduler().wait_until(m_exit_waiters, [this] { return has_exited(); }, deadline_ns));
    return m_exit_info;
}

} // namespace gehri::object

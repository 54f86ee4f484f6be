#include <kernel/agent/Freeze.h>
#include <kernel/agent/Reaper.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/KillableWait.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::object {

namespace {
uint64_t s_max_kernel_stack_used = 0;

void record_kernel_stack_use(sched::StackRegion stack, StringView agent_name)
{
    uint64_t used = mm::KernelStack::used_bytes(stack.bottom, stack.top);
    uint64_t seen = __atomic_load_n(&s_max_kernel_stack_used, __ATOMIC_RELAXED);
    while (used > seen) {
        if (__atomic_compare_exchange_n(&s_max_kernel_stack_used, &seen, used, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            // Debug: a line on the serial port costs more than a whole spawn under -icount.
            log::debug("kernel stack high-water of agent threads: {} of {} bytes (agent {})", used, stack.size(), agent_name);
            break;
        }
    }
}
} // namespace

uint64_t Thread::max_kernel_stack_used() { return __atomic_load_n(&s_max_kernel_stack_used, __ATOMIC_RELAXED); }

Result<RefPtr<Thread>> Thread::create(RefPtr<Agent> agent, uint64_t instruction_pointer, uint64_t stack_pointer, uint64_t stack_region_start,
    uint64_t stack_region_end)
{
    if (!agent || agent->memory().is_released())
        return Error::InvalidArgument;
    auto stack = TRY(mm::KernelStack::create(kernel_stack_size));
    auto thread = TRY(adopt_ref_if_nonnull(new (std::nothrow) Thread(std::move(agent), std::move(stack), instruction_pointer, stack_pointer)));
    thread->m_stack_region_start = stack_region_start;
    thread->m_stack_region_end = stack_region_end;
    return thread;
}

Thread::Thread(RefPtr<Agent> agent, mm::KernelStack stack, uint64_t instruction_pointer, uint64_t stack_pointer)
    : KernelObject(object_type)
    , m_agent(std::move(agent))
    , m_kernel_thread({ .name = m_agent->name(), .priority_class = m_agent->priority_class(), .weight = m_agent->weight() }, std::move(stack), run, this)
{
    m_entry.instruction_pointer = instruction_pointer;
    m_entry.stack_pointer = stack_pointer;
    m_user_state.page_table_root = m_agent->memory().page_table_root();
    m_user_state.owner = this;
    m_kernel_thread.context().user = &m_user_state;
}

Thread::~Thread()
{
    // Never started, or reaped: the kernel thread is on no CPU and in no queue.
    VERIFY(!m_started || m_exited);
}

Result<void> Thread::start(const uint64_t (&arguments)[4])
{
    if (m_started)
        return Error::InvalidArgument;
    for (size_t i = 0; i < 4; ++i)
        m_entry.arguments[i] = arguments[i];
    TRY(m_agent->on_thread_started(*this));
    m_started = true;
    ref(); // the running thread's own reference, dropped by the reaper
    auto started = sched::kernel_scheduler().start(m_kernel_thread);
    if (started.is_error()) {
        m_started = false;
        // Undo as if it had run and exited at once; it never ran, so no CPU holds it.
        m_agent->on_thread_exiting({ .reason = abi::ExitReason::Exited, .status = -1 });
        m_agent->on_thread_reaped(*this);
        unref();
        return started.error();
    }
    return {};
}

void Thread::run(void* self)
{
    auto& thread = *static_cast<Thread*>(self);
    // Started while frozen, or killed before it ran: not one user instruction.
    thread.prepare_return_to_user();
    agent::enter_user_mode(thread.m_entry);
}

void Thread::exit(const abi::ExitInfo& info)
{
    VERIFY(&sched::kernel_scheduler().current_thread() == &m_kernel_thread);
    m_exit_info = info;
    m_agent->on_thread_exiting(info);
    // The running reference goes to the reaper, which drops it once this thread is off the CPU.
    agent::reap_later(*this);
    sched::kernel_scheduler().exit();
    PANIC("thread of agent {} ran after its exit", m_agent->id());
}

void Thread::exit_if_agent_ending()
{
    if (m_agent->is_ending())
        exit(m_agent->recorded_exit());
}

void Thread::prepare_return_to_user()
{
    agent::wait_while_frozen(*m_agent);
    exit_if_agent_ending();
}

void Thread::finish_reaping()
{
    record_kernel_stack_use(m_kernel_thread.stack(), m_agent->name());
    // Its own stack goes back to the agent (already gone with the agent's memory if this was
    // the last thread; then the unmap finds nothing).
    if (m_stack_region_end != 0)
        (void)m_agent->memory().unmap_region(m_stack_region_start, m_stack_region_end);
    __atomic_store_n(&m_exited, true, __ATOMIC_RELEASE);
    sched::kernel_scheduler().wake_all(m_exit_waiters);
    m_agent->on_thread_reaped(*this);
}

Result<abi::ExitInfo> Thread::wait_for_exit(uint64_t deadline_ns, Thread* waiter)
{
    TRY(wait_killably(m_exit_waiters, [this] { return has_exited(); }, deadline_ns, waiter));
    return m_exit_info;
}

} // namespace gehri::object

#include <kernel/log/Panic.h>
#include <kernel/sched/Policy.h>
#include <kernel/sched/RunQueue.h>

namespace gehri::sched {

void RunQueue::start(Thread& current, Thread& idle, uint64_t now_ns)
{
    m_last_update_ns = now_ns;
    m_idle = &idle;
    idle.m_is_idle = true;
    idle.set_cpu(m_cpu);
    current.set_cpu(m_cpu);
    set_current(current, now_ns);
    current.set_on_cpu(true);
    if (&idle != &current)
        idle.set_state(ThreadState::Runnable);
}

void RunQueue::note_queue_change(PriorityClass priority_class)
{
    if (queue_of(priority_class).is_empty())
        m_queued_classes.remove(priority_class);
    else
        m_queued_classes.add(priority_class);
}

ClassMask RunQueue::runnable_classes() const
{
    ClassMask mask = m_queued_classes;
    if (current_is_busy())
        mask.add(m_current->m_class);
    return mask;
}

void RunQueue::refresh_load()
{
    uint32_t running = static_cast<uint32_t>(m_nr_queued) + (current_is_busy() ? 1 : 0);
    __atomic_store_n(&m_nr_running, running, __ATOMIC_RELAXED);
}

void RunQueue::update(uint64_t now_ns)
{
    if (now_ns <= m_last_update_ns)
        return;
    uint64_t elapsed = now_ns - m_last_update_ns;
    ClassMask running;
    if (current_is_busy()) {
        Thread& thread = *m_current;
        thread.m_cpu_time_ns += elapsed;
        thread.m_virtual_runtime += scaled_runtime(elapsed, thread.m_weight);
        queue_of(thread.m_class).update_min_virtual_runtime(&thread);
        running.add(thread.m_class);
    } else {
        m_idle_time_ns += elapsed;
        if (m_current)
            m_current->m_cpu_time_ns += elapsed;
    }
    m_window.advance(now_ns, running, runnable_classes());
    m_last_update_ns = now_ns;
}

void RunQueue::place_woken(Thread& thread, uint64_t now_ns)
{
    update(now_ns);
    ClassQueue& queue = queue_of(thread.m_class);
    queue.update_min_virtual_runtime(current_is_busy() && m_current->m_class == thread.m_class ? m_current : nullptr);
    uint64_t earliest = queue.min_virtual_runtime() - policy::sleeper_credit_ns;
    if (virtual_runtime_before(thread.m_virtual_runtime, earliest))
        thread.m_virtual_runtime = earliest;
}

void RunQueue::switch_within_class(Thread& thread, uint64_t now_ns, uint64_t slice_start_ns)
{
    Thread& previous = *m_current;
    VERIFY(current_is_busy() && previous.m_class == thread.m_class);
    if (now_ns > m_last_update_ns) {
        uint64_t elapsed = now_ns - m_last_update_ns;
        previous.m_cpu_time_ns += elapsed;
        previous.m_virtual_runtime += scaled_runtime(elapsed, previous.m_weight);
        m_last_update_ns = now_ns;
    }
    ClassQueue& queue = queue_of(thread.m_class);
    queue.update_min_virtual_runtime(&previous);
    uint64_t earliest = queue.min_virtual_runtime() - policy::sleeper_credit_ns;
    if (virtual_runtime_before(thread.m_virtual_runtime, earliest))
        thread.m_virtual_runtime = earliest;
    // Busy before and after, nothing queued or dequeued: the load is unchanged.
    m_current = &thread;
    thread.set_state(ThreadState::Running);
    thread.m_run_started_ns = slice_start_ns;
    ++thread.m_times_scheduled;
}

bool RunQueue::would_pick(const Thread& thread)
{
    ClassMask candidates = m_queued_classes;
    candidates.add(thread.m_class);
    if (m_window.choose(candidates) != thread.m_class)
        return false;
    const Thread* first = queue_of(thread.m_class).first();
    return first == nullptr || !virtual_runtime_before(first->m_virtual_runtime, thread.m_virtual_runtime);
}

void RunQueue::enqueue(Thread& thread, Arrival arrival, uint64_t now_ns)
{
    VERIFY(!thread.m_is_idle);
    VERIFY(!thread.m_run_node.is_linked());
    update(now_ns);
    ClassQueue& queue = queue_of(thread.m_class);
    queue.update_min_virtual_runtime(current_is_busy() && m_current->m_class == thread.m_class ? m_current : nullptr);
    uint64_t clock = queue.min_virtual_runtime();
    switch (arrival) {
    case Arrival::Started:
        thread.m_virtual_runtime = clock;
        break;
    case Arrival::Woken: {
        uint64_t earliest = clock - policy::sleeper_credit_ns;
        if (virtual_runtime_before(thread.m_virtual_runtime, earliest))
            thread.m_virtual_runtime = earliest;
        break;
    }
    case Arrival::Preempted:
        break;
    case Arrival::Moved:
        thread.m_virtual_runtime += clock;
        break;
    }
    thread.set_cpu(m_cpu);
    thread.set_state(ThreadState::Runnable);
    queue.enqueue(thread);
    note_queue_change(thread.m_class);
    ++m_nr_queued;
    if (!thread.m_affinity.is_single_cpu()) {
        thread.m_counted_movable = true;
        __atomic_store_n(&m_nr_movable_queued, m_nr_movable_queued + 1, __ATOMIC_RELAXED);
    }
    refresh_load();
}

void RunQueue::forget_movable(Thread& thread)
{
    if (!thread.m_counted_movable)
        return;
    thread.m_counted_movable = false;
    __atomic_store_n(&m_nr_movable_queued, m_nr_movable_queued - 1, __ATOMIC_RELAXED);
}

void RunQueue::dequeue_for_move(Thread& thread, uint64_t now_ns)
{
    VERIFY(thread.m_run_node.is_linked());
    update(now_ns);
    ClassQueue& queue = queue_of(thread.m_class);
    queue.dequeue(thread);
    note_queue_change(thread.m_class);
    thread.m_virtual_runtime -= queue.min_virtual_runtime();
    --m_nr_queued;
    forget_movable(thread);
    refresh_load();
}

void RunQueue::rebase(Thread& thread, PriorityClass from, PriorityClass to)
{
    thread.m_virtual_runtime = thread.m_virtual_runtime - queue_of(from).min_virtual_runtime() + queue_of(to).min_virtual_runtime();
}

Thread* RunQueue::pick_next(uint64_t now_ns, const Thread* yielding)
{
    update(now_ns);
    if (m_queued_classes.is_empty())
        return nullptr;
    PriorityClass chosen = m_window.choose(m_queued_classes);
    Thread* next = queue_of(chosen).pop_first_avoiding(yielding);
    note_queue_change(chosen);
    --m_nr_queued;
    forget_movable(*next);
    refresh_load();
    return next;
}

void RunQueue::set_current(Thread& thread, uint64_t now_ns, uint64_t slice_start_ns)
{
    update(now_ns);
    m_current = &thread;
    thread.set_state(ThreadState::Running);
    thread.m_run_started_ns = slice_start_ns;
    ++thread.m_times_scheduled;
    refresh_load();
}

uint64_t RunQueue::slice_for(const Thread& thread) const
{
    uint64_t class_weight = queue_of(thread.m_class).queued_weight() + thread.m_weight;
    uint64_t slice = policy::target_latency_ns * thread.m_weight / class_weight;
    return slice > policy::min_granularity_ns ? slice : policy::min_granularity_ns;
}

bool RunQueue::should_preempt_current(uint64_t now_ns)
{
    update(now_ns);
    if (!current_is_busy())
        return m_nr_queued > 0;
    Thread& current = *m_current;
    // Across classes: whatever the share window picks now, if it is not the current class.
    if (m_window.choose(runnable_classes()) != current.m_class)
        return true;
    // Within the class: the slice is over and someone else is waiting.
    if (queue_of(current.m_class).is_empty())
        return false;
    return now_ns - current.m_run_started_ns >= slice_for(current);
}

bool RunQueue::should_preempt_for(const Thread& woken, uint64_t now_ns)
{
    update(now_ns);
    if (!current_is_busy())
        return true;
    Thread& current = *m_current;
    if (m_window.choose(runnable_classes()) != current.m_class)
        return true;
    if (woken.m_class != current.m_class)
        return false;
    // Same class: only if the woken thread is clearly behind in virtual time.
    return virtual_runtime_before(woken.m_virtual_runtime + policy::wakeup_granularity_ns, current.m_virtual_runtime);
}

void RunQueue::set_weight(Thread& thread, uint32_t weight, uint64_t now_ns)
{
    // Charge the time so far at the old weight; the new one applies from now on.
    update(now_ns);
    if (thread.m_run_node.is_linked())
        queue_of(thread.m_class).reweight(thread, weight);
    else
        thread.m_weight = weight;
}

} // namespace gehri::sched

#include <kernel/log/Panic.h>
#include <kernel/sched/TimerQueue.h>

namespace gehri::sched {

void TimerQueue::arm(Thread& thread, uint64_t deadline_ns)
{
    VERIFY(!thread.m_timer_node.is_linked());
    thread.m_timer_deadline_ns = deadline_ns;
    thread.m_timer_sequence = m_next_sequence++;
    m_heap.insert(thread);
}

bool TimerQueue::cancel(Thread& thread)
{
    if (!thread.m_timer_node.is_linked())
        return false;
    m_heap.remove(thread);
    return true;
}

Thread* TimerQueue::pop_expired(uint64_t now_ns)
{
    Thread* earliest = m_heap.first();
    if (!earliest || earliest->m_timer_deadline_ns > now_ns)
        return nullptr;
    m_heap.remove(*earliest);
    return earliest;
}

uint64_t TimerQueue::next_deadline() const
{
    Thread* earliest = m_heap.first();
    return earliest ? earliest->m_timer_deadline_ns : no_deadline;
}

} // namespace gehri::sched

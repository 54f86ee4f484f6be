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

Thread* TimerQueue::pop_expired(uint64_t now_ns)
{
    Thread* earliest = m_heap.first();
    if (!earliest || earliest->m_timer_deadline_ns > now_ns)
        return nullptr;
    m_heap.remove(*earliest);
    return earliest;
}

} // namespace gehri::sched

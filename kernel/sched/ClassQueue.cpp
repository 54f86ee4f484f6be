#include <kernel/sched/ClassQueue.h>

namespace gehri::sched {

void ClassQueue::enqueue(Thread& thread)
{
    thread.m_run_sequence = m_next_sequence++;
    m_heap.insert(thread);
    m_queued_weight += thread.m_weight;
}

void ClassQueue::dequeue(Thread& thread)
{
    m_heap.remove(thread);
    m_queued_weight -= thread.m_weight;
}

Thread* ClassQueue::pop_first_avoiding(const Thread* avoid)
{
    Thread* chosen = m_heap.first();
    if (!chosen)
        return nullptr;
    if (chosen == avoid && m_heap.size() > 1) {
        // Take the yielder out so that the heap shows its runner-up, then put it back.
        Thread& yielder = *chosen;
        m_heap.remove(yielder);
        chosen = m_heap.first();
        m_heap.insert(yielder);
    }
    dequeue(*chosen);
    return chosen;
}

void ClassQueue::update_min_virtual_runtime(const Thread* running)
{
    const Thread* leftmost = m_heap.first();
    if (!leftmost && !running)
        return;
    uint64_t candidate;
    if (!leftmost)
        candidate = running->m_virtual_runtime;
    else if (!running)
        candidate = leftmost->m_virtual_runtime;
    else
        candidate = virtual_runtime_before(running->m_virtual_runtime, leftmost->m_virtual_runtime) ? running->m_virtual_runtime : leftmost->m_virtual_runtime;
    if (virtual_runtime_before(m_min_virtual_runtime, candidate))
        m_min_virtual_runtime = candidate;
}

void ClassQueue::reweight(Thread& thread, uint32_t weight)
{
    m_queued_weight -= thread.m_weight;
    thread.m_weight = weight;
    m_queued_weight += weight;
}

} // namespace gehri::sched

#include <kernel/govern/EventQueues.h>

namespace gehri::govern {

EventQueues::Queue* EventQueues::find_locked(collective::AgentId agent)
{
    for (auto& queue : m_queues) {
        if (queue.used && queue.agent == agent)
            return &queue;
    }
    return nullptr;
}

const EventQueues::Queue* EventQueues::find_locked(collective::AgentId agent) const
{
    return const_cast<EventQueues*>(this)->find_locked(agent);
}

bool EventQueues::post(const collective::Event& event)
{
    InterruptSafeGuard guard(m_lock);
    Queue* queue = find_locked(event.recipient);
    if (queue == nullptr) {
        for (auto& candidate : m_queues) {
            if (!candidate.used) {
                candidate = Queue {};
                candidate.used = true;
                candidate.agent = event.recipient;
                queue = &candidate;
                break;
            }
        }
    }
    if (queue == nullptr) {
        ++m_dropped_without_queue;
        return false;
    }
    if (queue->count == events_per_agent) {
        queue->head = (queue->head + 1) % events_per_agent;
        --queue->count;
        ++queue->lost;
    }
    queue->events[(queue->head + queue->count) % events_per_agent] = event;
    ++queue->count;
    return true;
}

size_t EventQueues::take(collective::AgentId agent, Span<collective::Event> out)
{
    InterruptSafeGuard guard(m_lock);
    Queue* queue = find_locked(agent);
    if (queue == nullptr)
        return 0;
    size_t taken = 0;
    while (taken < out.size() && queue->count > 0) {
        out[taken++] = queue->events[queue->head];
        queue->head = (queue->head + 1) % events_per_agent;
        --queue->count;
    }
    return taken;
}

size_t EventQueues::pending(collective::AgentId agent) const
{
    InterruptSafeGuard guard(m_lock);
    const Queue* queue = find_locked(agent);
    return queue ? queue->count : 0;
}

uint64_t EventQueues::take_lost(collective::AgentId agent)
{
    InterruptSafeGuard guard(m_lock);
    Queue* queue = find_locked(agent);
    if (queue == nullptr)
        return 0;
    uint64_t lost = queue->lost;
    queue->lost = 0;
    return lost;
}

void EventQueues::forget(collective::AgentId agent)
{
    InterruptSafeGuard guard(m_lock);
    if (Queue* queue = find_locked(agent))
        queue->used = false;
}

} // namespace gehri::govern

#include <kernel/govern/EventQueues.h>
#include <kernel/lib/OwnPtr.h>

namespace gehri::govern {

namespace {

constexpr size_t first_slot_count = 64;

} // namespace

EventQueues::~EventQueues()
{
    m_map.for_each([](uint64_t, Queue* queue) { (void)OwnPtr<Queue>::adopt(queue); });
}

EventQueues::Queue* EventQueues::find_locked(collective::AgentId agent) const
{
    Queue* const* found = m_map.find(agent);
    return found ? *found : nullptr;
}

// Doubles the map (heap allocation under the lock: the heap's locks never wait for ours).
bool EventQueues::grow_map_locked()
{
    size_t count = m_slots.size() == 0 ? first_slot_count : m_slots.size() * 2;
    auto slots = HeapArray<HashSlot<Queue*>>::create(count);
    if (slots.is_error())
        return false;
    auto bigger = FixedHashMap<Queue*>::create(slots.value().span());
    if (bigger.is_error())
        return false;
    auto map = bigger.release_value();
    m_map.for_each([&map](uint64_t key, Queue* queue) { (void)map.find_or_insert(key, queue); });
    m_slots = slots.release_value(); // frees the old slots
    m_map = map;
    return true;
}

EventQueues::Queue* EventQueues::make_locked(collective::AgentId agent)
{
    if (m_map.size() >= max_agents)
        return nullptr;
    if (m_map.size() >= m_map.max_load() && !grow_map_locked())
        return nullptr;
    auto queue = make_owned<Queue>();
    if (queue.is_error())
        return nullptr;
    if (m_map.find_or_insert(agent, queue.value().get()).is_error())
        return nullptr; // the OwnPtr frees it
    return queue.release_value().leak();
}

bool EventQueues::post(const collective::Event& event)
{
    InterruptSafeGuard guard(m_lock);
    Queue* queue = find_locked(event.recipient);
    if (queue == nullptr)
        queue = make_locked(event.recipient);
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
    OwnPtr<Queue> queue;
    {
        InterruptSafeGuard guard(m_lock);
        queue = OwnPtr<Queue>::adopt(find_locked(agent));
        if (queue)
            (void)m_map.remove(agent);
    }
    // Freed here, after the lock.
}

} // namespace gehri::govern

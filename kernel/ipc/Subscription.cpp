#include <kernel/ipc/Topic.h>

namespace gehri::ipc {

Subscription::Subscription(RefPtr<Topic> topic, Qos qos, MessageQueue queue, RefPtr<DeliveryGate> gate)
    : m_topic(std::move(topic))
    , m_qos(qos)
    , m_gate(std::move(gate))
    , m_queue(std::move(queue))
    , m_signals(m_topic->m_lock)
{
}

Subscription::~Subscription() { m_topic->unsubscribe(*this); }

Result<void> Subscription::take(Message& out) { return m_topic->take(*this, out); }

Result<void> Subscription::take_fitting(Message& out, size_t max_bytes, size_t& needed) { return m_topic->take(*this, out, max_bytes, &needed); }

Result<Message> Subscription::take()
{
    Message sample;
    TRY(take(sample));
    return sample;
}

uint64_t Subscription::dropped() const
{
    InterruptSafeGuard guard(m_topic->m_lock);
    return m_dropped;
}

uint32_t Subscription::pending() const
{
    InterruptSafeGuard guard(m_topic->m_lock);
    return m_queue.count();
}

} // namespace gehri::ipc

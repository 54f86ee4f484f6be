#include <kernel/ipc/MessageQueue.h>
#include <utility>

namespace gehri::ipc {

Result<MessageQueue> MessageQueue::create(QueueLimits limits)
{
    if (limits.max_messages == 0 || limits.max_bytes == 0 || limits.max_messages > max_capacity)
        return Error::InvalidArgument;
    auto slots = TRY(SlotArray<Message>::create(limits.max_messages));
    return MessageQueue(std::move(slots), limits);
}

MessageQueue::MessageQueue(MessageQueue&& other)
    : m_slots(std::move(other.m_slots))
    , m_limits(std::exchange(other.m_limits, QueueLimits { 0, 0 }))
    , m_head(std::exchange(other.m_head, 0))
    , m_count(std::exchange(other.m_count, 0))
    , m_bytes(std::exchange(other.m_bytes, 0))
    , m_producer_closed(other.m_producer_closed)
{
}

MessageQueue& MessageQueue::operator=(MessageQueue&& other)
{
    if (this != &other) {
        // Our old messages die here, with their handles.
        SlotArray<Message> old = std::move(m_slots);
        m_slots = std::move(other.m_slots);
        m_limits = std::exchange(other.m_limits, QueueLimits { 0, 0 });
        m_head = std::exchange(other.m_head, 0);
        m_count = std::exchange(other.m_count, 0);
        m_bytes = std::exchange(other.m_bytes, 0);
        m_producer_closed = other.m_producer_closed;
    }
    return *this;
}

Result<void> MessageQueue::enqueue(Message&& message)
{
    if (message.size() > m_limits.max_bytes)
        return Error::TooLarge;
    if (!fits(message.size()))
        return Error::QueueFull;
    size_t size = message.size();
    tail_slot() = std::move(message);
    ++m_count;
    m_bytes += size;
    return {};
}

Result<void> MessageQueue::enqueue_shared(AgentId sender, const PayloadRef& payload, uint64_t sequence)
{
    if (payload->size() > m_limits.max_bytes)
        return Error::TooLarge;
    if (!fits(payload->size()))
        return Error::QueueFull;
    tail_slot().assign_shared(sender, payload, sequence);
    ++m_count;
    m_bytes += payload->size();
    return {};
}

Result<void> MessageQueue::dequeue_into(Message& out)
{
    if (m_count == 0)
        return m_producer_closed ? Error::PeerClosed : Error::WouldBlock;
    out = std::move(m_slots[m_head]);
    m_head = advance(m_head);
    --m_count;
    m_bytes -= out.size();
    return {};
}

Result<Message> MessageQueue::dequeue()
{
    Message message;
    TRY(dequeue_into(message));
    return message;
}

bool MessageQueue::drop_oldest()
{
    if (m_count == 0)
        return false;
    // Moved out so the message (and any handles in it) is destroyed here, not left in the slot.
    Message dropped;
    (void)dequeue_into(dropped);
    return true;
}

void MessageQueue::clear()
{
    while (drop_oldest()) { }
}

} // namespace gehri::ipc

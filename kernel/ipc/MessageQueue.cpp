#include <kernel/ipc/MessageQueue.h>
#include <utility>

namespace gehri::ipc {

Result<MessageQueue> MessageQueue::create(QueueLimits limits)
{
    if (limits.max_messages == 0 || limits.max_bytes == 0 || limits.max_messages > max_capacity)
        return Error::InvalidArgument;
    uint32_t slots = limits.max_messages < initial_slots ? limits.max_messages : initial_slots;
    return MessageQueue(TRY(SlotArray<Message>::create(slots)), limits);
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

Result<void> MessageQueue::make_room()
{
    if (m_count < capacity())
        return {};
    uint32_t grown = capacity() * 2 < m_limits.max_messages ? capacity() * 2 : m_limits.max_messages;
    auto slots = TRY(SlotArray<Message>::create(grown));
    // In order from the head: the new ring starts at slot 0.
    uint32_t from = m_head;
    for (uint32_t i = 0; i < m_count; ++i) {
        slots[i] = std::move(m_slots[from]);
        from = advance(from);
    }
    m_slots = std::move(slots);
    m_head = 0;
    return {};
}

Result<void> MessageQueue::enqueue(Message&& message)
{
    if (message.size() > m_limits.max_bytes)
        return Error::TooLarge;
    if (!fits(message.size()))
        return Error::QueueFull;
    TRY(make_room());
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
    TRY(make_room());
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

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
    uint32_t tail = m_head + m_count;
    if (tail >= m_limits.max_messages)
        tail -= m_limits.max_messages;
    m_slots[tail] = std::move(message);
    ++m_count;
    m_bytes += m_slots[tail].size();
    return {};
}

Result<Message> MessageQueue::dequeue()
{
    if (m_count == 0)
        return m_producer_closed ? Error::PeerClosed : Error::WouldBlock;
    Message message = std::move(m_slots[m_head]);
    m_head = advance(m_head);
    --m_count;
    m_bytes -= message.size();
    return message;
}

bool MessageQueue::drop_oldest()
{
    if (m_count == 0)
        return false;
    // Through dequeue so the message (and any handles in it) is destroyed here, not left behind.
    (void)dequeue();
    return true;
}

void MessageQueue::clear()
{
    while (drop_oldest()) { }
}

} // namespace gehri::ipc

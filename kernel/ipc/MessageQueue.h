#pragma once

#include <kernel/ipc/Message.h>
#include <kernel/ipc/SlotArray.h>
#include <kernel/lib/Result.h>

namespace gehri::ipc {

struct QueueLimits {
    uint32_t max_messages { 64 };
    uint32_t max_bytes { 256 * 1024 }; // payload bytes queued, inline or shared
};

// A bounded FIFO of messages: a ring of message slots that starts small and doubles (up to
// max_messages) when a message finds it full, so an idle channel costs a few slots, not its
// whole bound. Dequeue never allocates; enqueue allocates only to grow, and then only O(1)
// amortized. Not synchronized: the owning object (channel, topic) holds its lock around every
// call. Also records whether the producing side has closed, which is what turns "empty" into
// "empty for good".
class MessageQueue {
public:
    static constexpr uint32_t max_capacity = 1 << 16;
    static constexpr uint32_t initial_slots = 4;

    MessageQueue() = default;
    // Moving leaves the source empty with zero limits: it refuses everything and reports full.
    MessageQueue(MessageQueue&& other);
    MessageQueue& operator=(MessageQueue&& other);
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;
    // InvalidArgument for zero limits or more than max_capacity slots; OutOfMemory.
    static Result<MessageQueue> create(QueueLimits limits);

    // TooLarge if the message alone exceeds max_bytes (it can never fit); QueueFull if it does
    // not fit now; OutOfMemory if the ring had to grow and could not (nothing is enqueued, the
    // message is dropped by the caller's Result).
    Result<void> enqueue(Message&& message);
    // A shared-payload message built straight in its slot (topic fan-out: no temporary).
    // The payload must hold no handles. QueueFull/TooLarge/OutOfMemory as enqueue.
    Result<void> enqueue_shared(AgentId sender, const PayloadRef& payload, uint64_t sequence);
    // Moves the oldest message into `out`. WouldBlock when empty and the producer is still
    // open; PeerClosed when empty and closed.
    Result<void> dequeue_into(Message& out);
    Result<Message> dequeue();
    // The next message, left in place (so a reader can learn the sizes it needs), or null.
    const Message* front() const { return m_count ? &m_slots[m_head] : nullptr; }
    // Discards the oldest message; false if there was none.
    bool drop_oldest();
    // Drops everything (and through Message, disposes the handles in it).
    void clear();

    bool fits(size_t size) const { return m_count < m_limits.max_messages && size <= m_limits.max_bytes - m_bytes; }
    bool is_empty() const { return m_count == 0; }
    bool is_full() const { return m_count == m_limits.max_messages || m_bytes >= m_limits.max_bytes; }
    uint32_t count() const { return m_count; }
    size_t bytes() const { return m_bytes; }
    const QueueLimits& limits() const { return m_limits; }
    // Slots allocated now (initial_slots .. max_messages).
    size_t slot_capacity() const { return m_slots.size(); }

    void close_producer() { m_producer_closed = true; }
    bool is_producer_closed() const { return m_producer_closed; }

private:
    MessageQueue(SlotArray<Message> slots, QueueLimits limits)
        : m_slots(std::move(slots))
        , m_limits(limits)
    {
    }
    uint32_t capacity() const { return static_cast<uint32_t>(m_slots.size()); }
    Message& tail_slot()
    {
        uint32_t tail = m_head + m_count;
        return m_slots[tail >= capacity() ? tail - capacity() : tail];
    }
    uint32_t advance(uint32_t index) const { return index + 1 == capacity() ? 0 : index + 1; }
    // Room for one more message: doubles the ring when it is full below max_messages.
    Result<void> make_room();

    SlotArray<Message> m_slots;
    QueueLimits m_limits { 0, 0 };
    uint32_t m_head { 0 };
    uint32_t m_count { 0 };
    size_t m_bytes { 0 };
    bool m_producer_closed { false };
};

} // namespace gehri::ipc

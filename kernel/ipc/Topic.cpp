#include <kernel/ipc/Topic.h>
#include <kernel/log/Panic.h>
#include <new>

namespace gehri::ipc {

Result<RefPtr<Topic>> Topic::create(StringView name, TopicLimits limits)
{
    auto topic_name = TRY(TopicName::create(name));
    if (limits.max_subscriptions == 0 || limits.max_sample_bytes > max_message_bytes)
        return Error::InvalidArgument;
    return adopt_ref_if_nonnull(new (std::nothrow) Topic(topic_name, limits));
}

Topic::~Topic()
{
    // Every Subscription and Publisher holds a reference, so none can be left.
    VERIFY(m_subscriptions.is_empty());
    VERIFY(m_room_waiters.is_empty()); // a waiter holds a Publisher
}

Result<OwnPtr<Publisher>> Topic::create_publisher()
{
    return adopt_own_if_nonnull(new (std::nothrow) Publisher(RefPtr<Topic>(*this)));
}

Result<OwnPtr<Subscription>> Topic::subscribe(Qos qos, RefPtr<DeliveryGate> gate)
{
    if (qos.history_depth == 0 || qos.history_depth > Qos::max_history_depth)
        return Error::InvalidArgument;
    if (qos.reliability != Reliability::BestEffort && qos.reliability != Reliability::Reliable)
        return Error::InvalidArgument;
    // The byte bound never binds before the count does: every sample fits max_message_bytes.
    auto queue = TRY(MessageQueue::create({ qos.history_depth, qos.history_depth * static_cast<uint32_t>(max_message_bytes) }));
    auto subscription = TRY(adopt_own_if_nonnull(new (std::nothrow) Subscription(RefPtr<Topic>(*this), qos, std::move(queue), std::move(gate))));
    InterruptSafeGuard guard(m_lock);
    if (m_subscriptions.size() >= m_limits.max_subscriptions)
        return Error::QuotaExceeded; // destroying the subscription takes the lock: see below
    m_subscriptions.append(*subscription);
    if (qos.latest_value && m_last && !subscription->is_gated_off())
        deliver_locked(*subscription, m_last, m_last_sender, m_sequence);
    return subscription;
}

Result<uint64_t> Topic::publish(AgentId sender, ReadonlyBytes bytes)
{
    if (bytes.size() > m_limits.max_sample_bytes)
        return Error::TooLarge;
    // Cheap refusal before the copy; the authoritative check is under the lock.
    if (__atomic_load_n(&m_full_reliable, __ATOMIC_RELAXED) != 0)
        return Error::QueueFull;
    auto payload = TRY(Payload::create(bytes));
    return publish(sender, std::move(payload));
}

Result<uint64_t> Topic::publish(AgentId sender, PayloadRef payload)
{
    if (!payload || !payload->handles().is_empty())
        return Error::InvalidArgument;
    if (payload->size() > m_limits.max_sample_bytes)
        return Error::TooLarge;
    PayloadRef previous_last;
    uint64_t sequence;
    {
        InterruptSafeGuard guard(m_lock);
        if (m_full_reliable != 0)
            return Error::QueueFull;
        sequence = ++m_sequence;
        m_subscriptions.for_each([&](Subscription& subscription) {
            if (!subscription.is_gated_off())
                deliver_locked(subscription, payload, sender, sequence);
        });
        // The old last sample may be the final reference: free it after the lock.
        previous_last = std::move(m_last);
        m_last = std::move(payload);
        m_last_sender = sender;
    }
    return sequence;
}

void Topic::deliver_locked(Subscription& subscription, const PayloadRef& payload, AgentId sender, uint64_t sequence)
{
    MessageQueue& queue = subscription.m_queue;
    if (queue.is_full()) {
        // Only best-effort queues can be full here: a full reliable one refused the publish.
        queue.drop_oldest();
        ++subscription.m_dropped;
    }
    // Cannot fail: the queue has room and the sample fits max_message_bytes.
    auto enqueued = queue.enqueue_shared(sender, payload, sequence);
    VERIFY(enqueued.is_ok());
    if (subscription.m_qos.reliability == Reliability::Reliable && queue.is_full())
        note_reliable_full_locked(subscription, false);
    update_subscription_signals_locked(subscription);
}

// Keeps m_full_reliable, and the publishers' writable bit that depends on it, in step with the
// reliable queues: called when one becomes full (was_full false) or stops being full.
void Topic::note_reliable_full_locked(Subscription&, bool was_full)
{
    uint32_t full = was_full ? m_full_reliable - 1 : m_full_reliable + 1;
    __atomic_store_n(&m_full_reliable, full, __ATOMIC_RELAXED);
    if (full == 0)
        m_publisher_signals.update_locked(signal::writable, signal::none);
    else
        m_publisher_signals.update_locked(signal::none, signal::writable);
}

void Topic::update_subscription_signals_locked(Subscription& subscription)
{
    if (subscription.m_queue.is_empty())
        subscription.m_signals.update_locked(signal::none, signal::readable);
    else
        subscription.m_signals.update_locked(signal::readable, signal::none);
}

Result<void> Topic::take(Subscription& subscription, Message& out, size_t max_bytes, size_t* needed)
{
    InterruptSafeGuard guard(m_lock);
    if (const Message* front = subscription.m_queue.front(); front != nullptr && front->size() > max_bytes) {
        if (needed != nullptr)
            *needed = front->size();
        return Error::BufferTooSmall;
    }
    bool was_full = subscription.m_queue.is_full();
    TRY(subscription.m_queue.dequeue_into(out));
    if (was_full && subscription.m_qos.reliability == Reliability::Reliable)
        note_reliable_full_locked(subscription, true);
    update_subscription_signals_locked(subscription);
    serve_room_waiter_locked();
    return {};
}

void Topic::unsubscribe(Subscription& subscription)
{
    InterruptSafeGuard guard(m_lock);
    if (!subscription.m_node.is_linked())
        return; // refused at subscribe time: never joined
    m_subscriptions.remove(subscription);
    if (subscription.m_qos.reliability == Reliability::Reliable && subscription.m_queue.is_full())
        note_reliable_full_locked(subscription, true);
    serve_room_waiter_locked();
}

void Topic::wait_for_room(RoomWaiter& waiter)
{
    InterruptSafeGuard guard(m_lock);
    waiter.m_served = false;
    m_room_waiters.append(waiter);
    serve_room_waiter_locked();
}

bool Topic::stop_waiting_for_room(RoomWaiter& waiter)
{
    InterruptSafeGuard guard(m_lock);
    if (waiter.m_node.is_linked())
        m_room_waiters.remove(waiter);
    return waiter.m_served;
}

void Topic::pass_room_on()
{
    InterruptSafeGuard guard(m_lock);
    serve_room_waiter_locked();
}

size_t Topic::room_waiter_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_room_waiters.size();
}

// One waiter per call: each take frees at most one slot of each queue.
void Topic::serve_room_waiter_locked()
{
    if (m_full_reliable != 0)
        return;
    RoomWaiter* waiter = m_room_waiters.pop_first();
    if (waiter == nullptr)
        return;
    __atomic_store_n(&waiter->m_served, true, __ATOMIC_RELEASE);
    waiter->on_room();
}

size_t Topic::subscription_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_subscriptions.size();
}

uint64_t Topic::published_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_sequence;
}

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/Publisher.h>
#include <kernel/ipc/Qos.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/RoomWaiter.h>
#include <kernel/ipc/SignalSource.h>
#include <kernel/ipc/Subscription.h>
#include <kernel/ipc/TopicName.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

struct TopicLimits {
    uint32_t max_sample_bytes { max_message_bytes };
    uint32_t max_subscriptions { 4096 };
};

// A named pub/sub channel. A publish copies the sample ONCE into a shared Payload; every
// subscription queues a reference to it, so fan-out costs a refcount and a slot per subscriber,
// not a copy. Publishing is all-or-nothing: if any reliable subscriber is full, nobody gets the
// sample and the publisher gets QueueFull (its writable signal is down until there is room).
// One lock guards the subscriber list and all their queues, which is what makes that check and
// the fan-out atomic; the cost is that readers and the publisher serialize on it.
class Topic final : public RefCounted<Topic> {
public:
    // InvalidArgument/TooLarge for a bad name (see TopicName); InvalidArgument for zero limits
    // or a sample size beyond the message limit; OutOfMemory.
    static Result<RefPtr<Topic>> create(StringView name, TopicLimits limits = {});
    ~Topic();

    StringView name() const { return m_name.view(); }
    const TopicLimits& limits() const { return m_limits; }

    Result<OwnPtr<Publisher>> create_publisher();
    // InvalidArgument for a history depth outside 1..Qos::max_history_depth; QuotaExceeded past
    // max_subscriptions; OutOfMemory. While `gate` (optional) is closed, samples pass the
    // subscription by.
    Result<OwnPtr<Subscription>> subscribe(Qos qos, RefPtr<DeliveryGate> gate = {});

    // TooLarge beyond max_sample_bytes; QueueFull when a reliable subscriber has no room;
    // InvalidArgument for a payload with handles (topics carry no handles). Returns the sample's
    // sequence number (1, 2, ... per topic).
    Result<uint64_t> publish(AgentId sender, ReadonlyBytes bytes);
    Result<uint64_t> publish(AgentId sender, PayloadRef payload);

    // Publishers that would rather wait than take QueueFull are served in arrival order, one per
    // take that leaves the topic writable: the writable signal is a level, and with thousands of
    // publishers blocked on one full reliable queue each freed slot woke them all, and all but
    // one slept again. `waiter` is told (on_room) at once if there is room now.
    void wait_for_room(RoomWaiter& waiter);
    // Stops waiting; once it returns the waiter is never told again. Returns whether its turn
    // came: a waiter that got its turn but leaves without filling the room (timed out, killed,
    // or published and room is left) calls pass_room_on, or the next waiter may sleep on.
    bool stop_waiting_for_room(RoomWaiter& waiter);
    void pass_room_on();
    size_t room_waiter_count();

    size_t subscription_count();
    uint64_t published_count();
    SignalSource& publisher_signals() { return m_publisher_signals; }

private:
    friend class Subscription;
    friend class TopicNamespace;
    Topic(TopicName name, TopicLimits limits)
        : m_name(name)
        , m_limits(limits)
    {
    }
    void unsubscribe(Subscription& subscription);
    // BufferTooSmall (the sample stays queued, *needed says its size) past max_bytes.
    Result<void> take(Subscription& subscription, Message& out, size_t max_bytes = max_message_bytes, size_t* needed = nullptr);
    void deliver_locked(Subscription& subscription, const PayloadRef& payload, AgentId sender, uint64_t sequence);
    void note_reliable_full_locked(Subscription& subscription, bool was_full);
    void update_subscription_signals_locked(Subscription& subscription);
    void serve_room_waiter_locked();

    Spinlock m_lock; // declared first: signal sources borrow it
    TopicName m_name;
    TopicLimits m_limits;
    sched::IntrusiveList<Subscription, &Subscription::m_node> m_subscriptions;
    uint32_t m_full_reliable { 0 }; // reliable subscriptions with a full queue
    uint64_t m_sequence { 0 };
    PayloadRef m_last;              // for latest-value late joiners
    AgentId m_last_sender { 0 };
    SignalSource m_publisher_signals { m_lock, signal::writable };
    sched::IntrusiveList<RoomWaiter, &RoomWaiter::m_node> m_room_waiters;
    sched::ListNode<Topic> m_namespace_node; // guarded by the namespace's lock
    Topic* m_bucket_next { nullptr };        // the namespace's name index; its lock too
};

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/DeliveryGate.h>
#include <kernel/ipc/MessageQueue.h>
#include <kernel/ipc/Qos.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/SignalSource.h>
#include <kernel/lib/Result.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

class Topic;

// A subscriber's view of a topic: its own bounded queue of shared samples, with its QoS.
// Only reads. Signals: readable while a sample waits. Unsubscribes when destroyed.
class Subscription {
public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // The oldest sample (sender and topic sequence number set). WouldBlock when none waits.
    Result<void> take(Message& out);
    Result<Message> take();
    // take(), unless the oldest sample is larger than `max_bytes`: then BufferTooSmall, `needed`
    // is its size, and it stays queued (checked and taken under one lock).
    Result<void> take_fitting(Message& out, size_t max_bytes, size_t& needed);
    // Samples this subscription lost to best-effort overflow (always 0 when reliable).
    uint64_t dropped() const;
    uint32_t pending() const;
    const Qos& qos() const { return m_qos; }
    Topic& topic() { return *m_topic; }

    Signals signals() const { return m_signals.signals(); }
    SignalSource& signal_source() { return m_signals; }

private:
    friend class Topic;
    Subscription(RefPtr<Topic> topic, Qos qos, MessageQueue queue, RefPtr<DeliveryGate> gate);
    bool is_gated_off() const { return m_gate && m_gate->is_closed(); }

    RefPtr<Topic> m_topic;
    Qos m_qos;
    RefPtr<DeliveryGate> m_gate; // null: always open
    MessageQueue m_queue;    // guarded by the topic's lock
    uint64_t m_dropped { 0 }; // guarded by the topic's lock
    SignalSource m_signals;
    sched::ListNode<Subscription> m_node;
};

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/SignalSource.h>
#include <kernel/ipc/SlotArray.h>
#include <kernel/ipc/WatchEvent.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

class Blackboard;

enum class WatchScope : uint8_t {
    Key = 0,    // exactly one key
    Prefix = 1, // every key that starts with the pattern (an empty prefix: the whole board)
};

// A standing interest in changes to a key or a key prefix. Changes accumulate as events in a
// bounded queue; when it is full, new events are lost (the queue keeps an unbroken stretch of
// history), the loss is counted and the overflowed flag raised so the watcher knows to re-read
// the board. Signals: readable while events wait; overflowed while the flag is up.
class Watch {
public:
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    // The oldest event. WouldBlock when none waits.
    Result<WatchEvent> next();
    // next(), unless the oldest event's key is longer than `max_key_bytes`: then BufferTooSmall,
    // `needed` is its length, and it stays queued (checked and taken under one lock).
    Result<WatchEvent> next_fitting(size_t max_key_bytes, size_t& needed);
    // Whether events were lost since the last call; lowers the flag.
    bool take_overflow();
    uint64_t lost_events() const;
    uint32_t pending() const;
    WatchScope scope() const { return m_scope; }

    Signals signals() const { return m_signals.signals(); }
    SignalSource& signal_source() { return m_signals; }

private:
    friend class Blackboard;
    Watch(RefPtr<Blackboard> board, WatchScope scope, PayloadRef pattern, SlotArray<WatchEvent> events);
    bool matches(StringView key) const;
    void push_locked(const WatchEvent& event);
    void update_signals_locked();

    RefPtr<Blackboard> m_board;
    WatchScope m_scope;
    PayloadRef m_pattern;
    // Below: guarded by the board's lock.
    SlotArray<WatchEvent> m_events;
    uint32_t m_head { 0 };
    uint32_t m_count { 0 };
    bool m_overflowed { false };
    uint64_t m_lost { 0 };
    SignalSource m_signals;
    sched::ListNode<Watch> m_node;
};

} // namespace gehri::ipc

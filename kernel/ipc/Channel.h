#pragma once

#include <kernel/ipc/MessageQueue.h>
#include <kernel/ipc/SignalSource.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::ipc {

class Channel;

// One end of a channel: it reads from its own queue and writes into its peer's.
// Signals: readable (own queue non-empty), writable (peer open and its queue not full),
// peer_closed (the other end closed; sticky).
class ChannelEndpoint {
public:
    ChannelEndpoint(const ChannelEndpoint&) = delete;
    ChannelEndpoint& operator=(const ChannelEndpoint&) = delete;

    // Queues `message` at the peer. The message is consumed even on failure (its handles go to
    // the disposer), as with Zircon: a sender never has to clean up after a refused write.
    // BadHandle if this end is closed; PeerClosed if the peer is; TooLarge if the message can
    // never fit the peer's queue; QueueFull if it does not fit now.
    Result<void> write(Message&& message);
    // The oldest message. BadHandle if this end is closed; WouldBlock when empty; PeerClosed when
    // empty and the peer closed (nothing more will ever come).
    Result<void> read(Message& out);
    Result<Message> read();
    // The sizes of the next message without taking it (for a reader with a small buffer).
    struct Pending {
        size_t bytes;
        size_t handles;
    };
    // read(), but only if the oldest message has at most `max_bytes` bytes and `max_handles`
    // handles: otherwise BufferTooSmall, `needed` says what it has, and it stays queued. One
    // lock acquisition, so no other reader can take the message between the check and the read.
    Result<void> read_fitting(Message& out, size_t max_bytes, size_t max_handles, Pending& needed);
    Result<Pending> peek();
    // Closes this end: queued messages to it are discarded (their handles disposed) and the peer
    // sees peer_closed. Idempotent.
    void close();

    Signals signals() const { return m_signals.signals(); }
    SignalSource& signal_source() { return m_signals; }

    // For the object layer's direct call path (ChannelEndpointObject::call_directly), which
    // decides under the channel's lock whether a message may bypass the queues.
    Spinlock& lock();
    ChannelEndpoint& peer() { return *m_peer; }
    bool is_closed_locked() const { return m_closed; }
    bool has_queued_locked() const { return !m_queue.is_empty(); }

private:
    friend class Channel;
    ChannelEndpoint(Channel& channel, MessageQueue queue);

    Channel& m_channel;
    MessageQueue m_queue; // messages addressed to this end
    ChannelEndpoint* m_peer { nullptr };
    bool m_closed { false };
    SignalSource m_signals;
};

// A bidirectional pair of endpoints, each with its bounded receive queue, behind one lock:
// every operation touches both ends' state (a write fills the peer's queue and may end this
// end's writability), so one lock keeps it consistent and makes a write a single acquisition.
class Channel {
public:
    static Result<OwnPtr<Channel>> create(QueueLimits limits = {});
    ~Channel();
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    ChannelEndpoint& endpoint(unsigned index) { return index == 0 ? *m_first : *m_second; }
    ChannelEndpoint& first() { return *m_first; }
    ChannelEndpoint& second() { return *m_second; }

private:
    friend class ChannelEndpoint;
    Channel() = default;
    void refresh_signals_locked();

    Spinlock m_lock; // declared first: both endpoints' signal sources borrow it
    OwnPtr<ChannelEndpoint> m_first;
    OwnPtr<ChannelEndpoint> m_second;
};

inline Spinlock& ChannelEndpoint::lock() { return m_channel.m_lock; }

} // namespace gehri::ipc

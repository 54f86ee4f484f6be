#include <kernel/ipc/Channel.h>
#include <initializer_list>
#include <new>

namespace gehri::ipc {

ChannelEndpoint::ChannelEndpoint(Channel& channel, MessageQueue queue)
    : m_channel(channel)
    , m_queue(std::move(queue))
    , m_signals(channel.m_lock, signal::writable)
{
}

Result<OwnPtr<Channel>> Channel::create(QueueLimits limits)
{
    auto channel = TRY(adopt_own_if_nonnull(new (std::nothrow) Channel));
    auto first_queue = TRY(MessageQueue::create(limits));
    auto second_queue = TRY(MessageQueue::create(limits));
    channel->m_first = TRY(adopt_own_if_nonnull(new (std::nothrow) ChannelEndpoint(*channel, std::move(first_queue))));
    channel->m_second = TRY(adopt_own_if_nonnull(new (std::nothrow) ChannelEndpoint(*channel, std::move(second_queue))));
    channel->m_first->m_peer = channel->m_second.get();
    channel->m_second->m_peer = channel->m_first.get();
    return channel;
}

Channel::~Channel()
{
    // Messages still queued die with their queues; closing first drops them under the lock
    // and gives observers their final peer_closed.
    if (m_first)
        m_first->close();
    if (m_second)
        m_second->close();
}

// Both ends' bits follow from the two queues and the two closed flags; recomputing them after
// every operation is a handful of compares and cannot drift out of sync.
void Channel::refresh_signals_locked()
{
    for (ChannelEndpoint* end : { m_first.get(), m_second.get() }) {
        ChannelEndpoint& peer = *end->m_peer;
        Signals set = signal::none;
        if (!end->m_queue.is_empty())
            set |= signal::readable;
        if (!peer.m_closed && !peer.m_queue.is_full())
            set |= signal::writable;
        if (peer.m_closed)
            set |= signal::peer_closed;
        end->m_signals.update_locked(set, signal::all & ~set);
    }
}

Result<void> ChannelEndpoint::write(Message&& message)
{
    Error error;
    {
        InterruptSafeGuard guard(m_channel.m_lock);
        if (m_closed) {
            error = Error::BadHandle;
        } else if (m_peer->m_closed) {
            error = Error::PeerClosed;
        } else {
            auto enqueued = m_peer->m_queue.enqueue(std::move(message));
            if (enqueued.is_ok()) {
                m_channel.refresh_signals_locked();
                return {};
            }
            error = enqueued.error();
        }
    }
    // Refused: the message still dies here, after the lock, so its handles are disposed of
    // outside it (disposal calls into the object layer).
    Message refused = std::move(message);
    return error;
}

Result<void> ChannelEndpoint::read(Message& out)
{
    InterruptSafeGuard guard(m_channel.m_lock);
    if (m_closed)
        return Error::BadHandle;
    TRY(m_queue.dequeue_into(out));
    m_channel.refresh_signals_locked();
    return {};
}

Result<void> ChannelEndpoint::read_fitting(Message& out, size_t max_bytes, size_t max_handles, Pending& needed)
{
    InterruptSafeGuard guard(m_channel.m_lock);
    if (m_closed)
        return Error::BadHandle;
    if (const Message* front = m_queue.front()) {
        if (front->size() > max_bytes || front->handles().size() > max_handles) {
            needed = { front->size(), front->handles().size() };
            return Error::BufferTooSmall;
        }
    }
    TRY(m_queue.dequeue_into(out));
    m_channel.refresh_signals_locked();
    return {};
}

Result<Message> ChannelEndpoint::read()
{
    Message message;
    TRY(read(message));
    return message;
}

Result<ChannelEndpoint::Pending> ChannelEndpoint::peek()
{
    InterruptSafeGuard guard(m_channel.m_lock);
    if (m_closed)
        return Error::BadHandle;
    const Message* front = m_queue.front();
    if (!front)
        return m_queue.is_producer_closed() ? Error::PeerClosed : Error::WouldBlock;
    return Pending { front->size(), front->handles().size() };
}

void ChannelEndpoint::close()
{
    // Dropped messages are destroyed after the lock is released: disposing their handles calls
    // into the object layer, which must not run under our spinlock.
    MessageQueue doomed;
    {
        InterruptSafeGuard guard(m_channel.m_lock);
        if (m_closed)
            return;
        m_closed = true;
        doomed = std::move(m_queue);
        m_peer->m_queue.close_producer();
        m_channel.refresh_signals_locked();
    }
}

} // namespace gehri::ipc

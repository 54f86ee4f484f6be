#pragma once

#include <kernel/lib/Span.h>
#include <user/libgehri/Handle.h>

namespace gehri {

// What a read or take delivered: its size, who sent it (stamped by the kernel: it cannot be
// forged), how many handles came with it, and a topic's sample number.
struct Received {
    size_t size { 0 };
    system::AgentId sender { 0 };
    size_t handle_count { 0 };
    uint64_t sequence { 0 };
};

// One end of a channel (docs/ipc.md): messages of up to 64 KiB plus up to 64 handles each way,
// in order, with a bounded queue at each end. Owns its handle; closing it (or destroying the
// object) shows the peer peer_closed.
class Channel {
public:
    struct Pair;
    static Result<Pair> create();

    Channel() = default;
    explicit Channel(Handle handle)
        : m_handle(std::move(handle))
    {
    }

    // Queues a message at the peer. `handles` (each with the Transfer right) leave this agent
    // even if the write fails. QueueFull, PeerClosed, TooLarge.
    Result<void> write(const void* bytes, size_t length, Span<const HandleValue> handles = {}) const
    {
        return system::channel_write(m_handle.value(), bytes, length, handles.data(), handles.size());
    }
    Result<void> write(StringView text) const { return write(text.characters(), text.length()); }

    // The oldest message into `buffer`, waiting up to `timeout_ns` (0 polls: WouldBlock).
    // Handles it carried are now this agent's, in `handles`. BufferTooSmall (it stays queued),
    // PeerClosed once nothing more can come, TimedOut.
    Result<Received> read(void* buffer, size_t capacity, uint64_t timeout_ns = abi::wait_forever, Span<HandleValue> handles = {}) const
    {
        abi::ReadInfo io { .timeout_ns = timeout_ns };
        size_t size = TRY(system::channel_read(m_handle.value(), buffer, capacity, handles.data(), handles.size(), io));
        return Received { size, io.sender, io.handle_count, 0 };
    }

    // write(bytes, length) then read(reply, capacity, timeout_ns), in one system call: the
    // request-reply round trip (the kernel switches straight to a peer blocked reading). No
    // handles either way: a reply carrying handles stays queued (BufferTooSmall) for read() to
    // take. Needs Read and Write. If the write fails, nothing was sent and nothing is read.
    Result<Received> call(const void* bytes, size_t length, void* reply, size_t capacity, uint64_t timeout_ns = abi::wait_forever) const
    {
        abi::ReadInfo io { .timeout_ns = timeout_ns };
        size_t size = TRY(system::channel_call(m_handle.value(), bytes, length, reply, capacity, io));
        return Received { size, io.sender, io.handle_count, 0 };
    }

    const Handle& handle() const { return m_handle; }
    Handle release_handle() { return std::move(m_handle); }

private:
    Handle m_handle;
};

struct Channel::Pair {
    Channel first;
    Channel second;
};

inline Result<Channel::Pair> Channel::create()
{
    HandleValue values[2];
    TRY(system::channel_create(values));
    return Pair { Channel(Handle(values[0])), Channel(Handle(values[1])) };
}

} // namespace gehri

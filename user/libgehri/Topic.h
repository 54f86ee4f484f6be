#pragma once

#include <user/libgehri/Channel.h>

namespace gehri {

// Quality of service of one subscription (docs/ipc.md).
struct Qos {
    uint32_t history_depth { 16 }; // samples kept for this subscriber, 1..16384
    bool reliable { false }; // true: a full queue refuses the publish (QueueFull) instead of dropping the oldest
    bool latest_value { false }; // start with the topic's last sample
};

// Publishes samples on one topic: every subscription gets the same bytes, copied once.
class Publisher {
public:
    Publisher() = default;
    explicit Publisher(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    // The sample's sequence number. While a reliable subscriber is full, waits up to timeout_ns
    // for room, in turn with the topic's other waiting publishers, then QueueFull (nobody got it;
    // with 0, at once: retry later, or wait for the handle's writable signal); TooLarge.
    Result<uint64_t> publish(const void* bytes, size_t length, uint64_t timeout_ns = 0) const { return system::topic_publish(m_handle.value(), bytes, length, timeout_ns); }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

// One subscriber's queue of samples of a topic.
class Subscription {
public:
    Subscription() = default;
    explicit Subscription(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    // The oldest sample, waiting up to `timeout_ns` (0 polls: WouldBlock). BufferTooSmall (it
    // stays queued), TimedOut.
    Result<Received> take(void* buffer, size_t capacity, uint64_t timeout_ns = abi::wait_forever) const
    {
        abi::ReadInfo io { .timeout_ns = timeout_ns };
        size_t size = TRY(system::topic_take(m_handle.value(), buffer, capacity, io));
        return Received { size, io.sender, 0, io.sequence };
    }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

// A directory of topics; holding its handle is the capability to use them.
class TopicNamespace {
public:
    TopicNamespace() = default;
    explicit TopicNamespace(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    static Result<TopicNamespace> create() { return TopicNamespace(Handle(TRY(system::topic_namespace_create()))); }

    // A handle to a view of this namespace that reaches only the topics the patterns match
    // ("fire/*"), each in its pattern's roles (Rights::Publish, Rights::Subscribe), with
    // `rights` (no more than this handle's). Other names are AccessDenied through it.
    Result<TopicNamespace> restrict(Span<const abi::TopicPattern> patterns, Rights rights) const
    {
        return TopicNamespace(Handle(TRY(system::topic_namespace_restrict(m_handle.value(), patterns.data(), patterns.size(), rights))));
    }

    // `create`: make the topic if it does not exist (needs the Write right), else NotFound.
    Result<Publisher> publisher(StringView topic, bool create = true) const
    {
        auto flags = create ? abi::TopicFlags::Create : abi::TopicFlags::None;
        return Publisher(Handle(TRY(system::topic_publisher(m_handle.value(), topic, flags))));
    }
    Result<Subscription> subscribe(StringView topic, Qos qos = {}, bool create = true) const
    {
        abi::SubscribeOptions options {
            .history_depth = qos.history_depth,
            .reliable = qos.reliable ? 1u : 0u,
            .latest_value = qos.latest_value ? 1u : 0u,
            .flags = static_cast<uint32_t>(create ? abi::TopicFlags::Create : abi::TopicFlags::None),
        };
        return Subscription(Handle(TRY(system::topic_subscribe(m_handle.value(), topic, options))));
    }
    const Handle& handle() const { return m_handle; }
    Handle release_handle() { return std::move(m_handle); }

private:
    Handle m_handle;
};

} // namespace gehri

#pragma once

#include <kernel/ipc/Channel.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// The portable channel (kernel/ipc/Channel.h), shared by its two endpoint objects: it lives
// until both are gone.
class ChannelCore final : public ipc::RefCounted<ChannelCore> {
public:
    static Result<ipc::RefPtr<ChannelCore>> create(ipc::QueueLimits limits);
    ipc::Channel& channel() { return *m_channel; }

private:
    explicit ChannelCore(OwnPtr<ipc::Channel> channel)
        : m_channel(std::move(channel))
    {
    }
    OwnPtr<ipc::Channel> m_channel;
};

// One end of a channel as a kernel object: what a channel handle names. When the last
// reference goes (every handle closed, no message carries it), the end closes and its peer sees
// peer_closed.
class ChannelEndpointObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::ChannelEndpoint;

    struct Pair {
        RefPtr<ChannelEndpointObject> first;
        RefPtr<ChannelEndpointObject> second;
    };
    static Result<Pair> create_pair(ipc::QueueLimits limits = {});
    ~ChannelEndpointObject() override;

    ipc::ChannelEndpoint& endpoint() { return m_core->channel().endpoint(m_index); }
    ipc::SignalSource* signal_source() override { return &endpoint().signal_source(); }
    // Whether `object` is this end or its peer: neither may travel through this channel, or
    // the channel would keep itself alive through its own queue.
    bool is_same_channel(const KernelObject& object) const;

private:
    ChannelEndpointObject(ipc::RefPtr<ChannelCore> core, unsigned index)
        : KernelObject(object_type)
        , m_core(std::move(core))
        , m_index(index)
    {
    }

    ipc::RefPtr<ChannelCore> m_core;
    unsigned m_index;
};

} // namespace gehri::object

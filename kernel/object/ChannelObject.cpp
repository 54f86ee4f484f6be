#include <kernel/object/ChannelObject.h>
#include <new>

namespace gehri::object {

Result<ipc::RefPtr<ChannelCore>> ChannelCore::create(ipc::QueueLimits limits)
{
    auto channel = TRY(ipc::Channel::create(limits));
    return ipc::adopt_ref_if_nonnull(new (std::nothrow) ChannelCore(std::move(channel)));
}

Result<ChannelEndpointObject::Pair> ChannelEndpointObject::create_pair(ipc::QueueLimits limits)
{
    auto core = TRY(ChannelCore::create(limits));
    auto first = TRY(adopt_ref_if_nonnull(new (std::nothrow) ChannelEndpointObject(core, 0)));
    auto second = TRY(adopt_ref_if_nonnull(new (std::nothrow) ChannelEndpointObject(core, 1)));
    return Pair { std::move(first), std::move(second) };
}

ChannelEndpointObject::~ChannelEndpointObject() { endpoint().close(); }

bool ChannelEndpointObject::is_same_channel(const KernelObject& object) const
{
    if (object.type() != object_type)
        return false;
    return static_cast<const ChannelEndpointObject&>(object).m_core == m_core;
}

} // namespace gehri::object

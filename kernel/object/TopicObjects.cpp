#include <kernel/object/TopicObjects.h>
#include <new>

namespace gehri::object {

Result<RefPtr<TopicNamespaceObject>> TopicNamespaceObject::create()
{
    auto topics = TRY(ipc::TopicNamespace::create());
    return adopt_ref_if_nonnull(new (std::nothrow) TopicNamespaceObject(std::move(topics)));
}

Result<RefPtr<PublisherObject>> PublisherObject::create(ipc::Topic& topic)
{
    auto publisher = TRY(topic.create_publisher());
    return adopt_ref_if_nonnull(new (std::nothrow) PublisherObject(std::move(publisher)));
}

Result<RefPtr<SubscriptionObject>> SubscriptionObject::create(ipc::Topic& topic, ipc::Qos qos, ipc::RefPtr<ipc::DeliveryGate> gate)
{
    auto subscription = TRY(topic.subscribe(qos, std::move(gate)));
    return adopt_ref_if_nonnull(new (std::nothrow) SubscriptionObject(std::move(subscription)));
}

} // namespace gehri::object

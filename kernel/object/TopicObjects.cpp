#include <kernel/object/TopicObjects.h>
#include <new>

namespace gehri::object {

Result<RefPtr<TopicNamespaceObject>> TopicNamespaceObject::create()
{
    auto topics = TRY(ipc::TopicNamespace::create(max_topics));
    return adopt_ref_if_nonnull(new (std::nothrow) TopicNamespaceObject(std::move(topics), nullptr, {}, 0));
}

Result<RefPtr<TopicNamespaceObject>> TopicNamespaceObject::create_restricted(RefPtr<TopicNamespaceObject> parent, OwnPtr<ipc::TopicScope> scope)
{
    if (parent->m_depth >= max_depth)
        return Error::QuotaExceeded;
    auto topics = parent->m_namespace;
    uint32_t depth = parent->m_depth + 1;
    return adopt_ref_if_nonnull(new (std::nothrow) TopicNamespaceObject(std::move(topics), std::move(parent), std::move(scope), depth));
}

bool TopicNamespaceObject::allows(StringView name, Rights role) const
{
    for (const TopicNamespaceObject* view = this; view != nullptr; view = view->m_parent.get()) {
        if (view->m_scope && !view->m_scope->allows(name, role))
            return false;
    }
    return true;
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

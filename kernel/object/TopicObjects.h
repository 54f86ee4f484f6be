#pragma once

#include <kernel/ipc/TopicNamespace.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// Kernel objects over the portable pub/sub core (kernel/ipc/Topic*.h): a namespace handle is
// the capability to find or make topics; publishers and subscriptions are separate handles
// with separate rights.

class TopicNamespaceObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::TopicNamespace;
    static Result<RefPtr<TopicNamespaceObject>> create();
    ipc::TopicNamespace& topics() { return *m_namespace; }

private:
    explicit TopicNamespaceObject(ipc::RefPtr<ipc::TopicNamespace> topics)
        : KernelObject(object_type)
        , m_namespace(std::move(topics))
    {
    }
    ipc::RefPtr<ipc::TopicNamespace> m_namespace;
};

class PublisherObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Publisher;
    static Result<RefPtr<PublisherObject>> create(ipc::Topic& topic);
    ipc::Publisher& publisher() { return *m_publisher; }
    // Writable while no reliable subscriber is full.
    ipc::SignalSource* signal_source() override { return &m_publisher->signal_source(); }

private:
    explicit PublisherObject(OwnPtr<ipc::Publisher> publisher)
        : KernelObject(object_type)
        , m_publisher(std::move(publisher))
    {
    }
    OwnPtr<ipc::Publisher> m_publisher;
};

class SubscriptionObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Subscription;
    static Result<RefPtr<SubscriptionObject>> create(ipc::Topic& topic, ipc::Qos qos, ipc::RefPtr<ipc::DeliveryGate> gate = {});
    ipc::Subscription& subscription() { return *m_subscription; }
    ipc::SignalSource* signal_source() override { return &m_subscription->signal_source(); }

private:
    explicit SubscriptionObject(OwnPtr<ipc::Subscription> subscription)
        : KernelObject(object_type)
        , m_subscription(std::move(subscription))
    {
    }
    OwnPtr<ipc::Subscription> m_subscription;
};

} // namespace gehri::object

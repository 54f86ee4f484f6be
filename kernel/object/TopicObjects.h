#pragma once

#include <kernel/ipc/TopicNamespace.h>
#include <kernel/ipc/TopicScope.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// Kernel objects over the portable pub/sub core (kernel/ipc/Topic*.h): a namespace handle is
// the capability to find or make topics; publishers and subscriptions are separate handles
// with separate rights.
//
// A namespace object is either the whole namespace or a restricted view of another namespace
// object (its parent): a scope of topic patterns, each with the roles it allows. A name must be
// allowed by every scope up the chain, so deriving a view can only narrow what a handle reaches.

class TopicNamespaceObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::TopicNamespace;
    // Views of views: at most this many scopes up the chain (each check walks them all).
    static constexpr uint32_t max_depth = 4;
    // Topics in a namespace an agent creates: one per handle a coordinator can hold (a swarm's
    // coordinator may give every member its own topic, as the wildfire agent does).
    static constexpr uint32_t max_topics = 16384;

    static Result<RefPtr<TopicNamespaceObject>> create();
    // A view of `parent` limited to `scope`. QuotaExceeded past max_depth.
    static Result<RefPtr<TopicNamespaceObject>> create_restricted(RefPtr<TopicNamespaceObject> parent, OwnPtr<ipc::TopicScope> scope);

    ipc::TopicNamespace& topics() { return *m_namespace; }
    // Whether every scope up the chain allows `role` (Publish or Subscribe) on the topic `name`.
    bool allows(StringView name, Rights role) const;

private:
    TopicNamespaceObject(ipc::RefPtr<ipc::TopicNamespace> topics, RefPtr<TopicNamespaceObject> parent, OwnPtr<ipc::TopicScope> scope,
        uint32_t depth)
        : KernelObject(object_type)
        , m_namespace(std::move(topics))
        , m_parent(std::move(parent))
        , m_scope(std::move(scope))
        , m_depth(depth)
    {
    }
    ipc::RefPtr<ipc::TopicNamespace> m_namespace;
    RefPtr<TopicNamespaceObject> m_parent; // null for the whole namespace
    OwnPtr<ipc::TopicScope> m_scope; // null for the whole namespace
    uint32_t m_depth { 0 };
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

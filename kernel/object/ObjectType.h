#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>

namespace gehri::object {

// The kinds of kernel object a handle can name. The values are ABI (an agent may ask what a
// handle is), so new kinds are added at the end.
enum class ObjectType : uint8_t {
    Agent = 1,
    Thread = 2,
    ChannelEndpoint = 3,
    TopicNamespace = 4,
    Publisher = 5,
    Subscription = 6,
    Blackboard = 7,
    Watch = 8,
    WaitSet = 9,
    MemoryObject = 10,
    Event = 11,
    ReputationDomain = 12,
};

constexpr StringView name_of(ObjectType type)
{
    switch (type) {
    case ObjectType::Agent: return "agent";
    case ObjectType::Thread: return "thread";
    case ObjectType::ChannelEndpoint: return "channel";
    case ObjectType::TopicNamespace: return "topic_namespace";
    case ObjectType::Publisher: return "publisher";
    case ObjectType::Subscription: return "subscription";
    case ObjectType::Blackboard: return "blackboard";
    case ObjectType::Watch: return "watch";
    case ObjectType::WaitSet: return "wait_set";
    case ObjectType::MemoryObject: return "memory_object";
    case ObjectType::Event: return "event";
    case ObjectType::ReputationDomain: return "reputation_domain";
    }
    return "unknown";
}

} // namespace gehri::object

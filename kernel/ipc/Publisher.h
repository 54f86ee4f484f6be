#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/SignalSource.h>
#include <kernel/lib/Result.h>

namespace gehri::ipc {

class Topic;

// The right to publish on a topic, separate from the right to subscribe: the object layer hands
// out a Publisher and a Subscription as different handles with different rights.
class Publisher {
public:
    ~Publisher();
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    // See Topic::publish. Returns the sample's sequence number.
    Result<uint64_t> publish(AgentId sender, ReadonlyBytes bytes);
    Result<uint64_t> publish(AgentId sender, PayloadRef payload);

    Topic& topic() { return *m_topic; }
    // Writable while no reliable subscriber is full (shared by all publishers of the topic).
    SignalSource& signal_source();

private:
    friend class Topic;
    explicit Publisher(RefPtr<Topic> topic);

    RefPtr<Topic> m_topic;
};

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/Publisher.h>
#include <kernel/object/Thread.h>

namespace gehri::object {

// Publishes `payload`, and while a reliable subscriber is full waits for room until the
// deadline, in turn with the topic's other waiting publishers (Topic::wait_for_room): each take
// wakes one of them, not all. QueueFull at the deadline (a deadline of 0 never waits);
// Interrupted as soon as the agent of `waiter` is killed.
Result<uint64_t> publish_waiting_for_room(ipc::Publisher& publisher, ipc::AgentId sender, const ipc::PayloadRef& payload, uint64_t deadline_ns, Thread* waiter);

} // namespace gehri::object

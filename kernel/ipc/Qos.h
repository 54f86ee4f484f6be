#pragma once

#include <stdint.h>

namespace gehri::ipc {

// What a subscriber asks of a topic (in the spirit of DDS, the middleware under ROS 2).
enum class Reliability : uint8_t {
    // A full queue drops its oldest sample for the new one and counts the drop: a slow reader
    // never slows the publisher (sensor streams, where only fresh data matters).
    BestEffort = 0,
    // A full queue refuses the publish for everyone (QueueFull), so the publisher feels
    // back-pressure and nothing is lost (commands, logs, soak tests: received == sent).
    Reliable = 1,
};

struct Qos {
    // One sample from every member of a large swarm (the wildfire demo runs up to 10,000
    // drones): a round of reports fits. Queues grow as samples arrive.
    static constexpr uint32_t max_history_depth = 16384;

    uint32_t history_depth { 16 }; // samples kept for this subscriber, 1..max_history_depth
    Reliability reliability { Reliability::BestEffort };
    bool latest_value { false }; // a late joiner starts with the topic's last sample
};

} // namespace gehri::ipc

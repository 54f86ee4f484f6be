#pragma once

#include <user/libgehri/Gehri.h>

// The blocking ring (libgehri's RingProducer/RingConsumer over an Event) between two agents.
namespace shm {

// Role 3: takes the ring and its event through the bootstrap channel and consumes, sleeping
// on the event while the ring is empty. Exit status 0 when every record came in order.
int blocking_consumer();
// This side: produces into the sleeping consumer's ring; returns the failures.
int check_blocking_ring(gehri::Agent& self);
// Event rights and bits; returns the failures.
int check_events();

} // namespace shm

#pragma once

#include <stdint.h>

namespace gehri::collective {

// Who gets a contended resource next (LeaseManager, and `resource` lines of the policy).
enum class ContentionRule : uint8_t {
    FirstCome, // the oldest request
    Priority,  // the highest priority class (given by the kernel, never by the agent), then the oldest
    Auction,   // a sealed-bid (second-price) round among the waiters; the winner is next
    GroupVote, // the resource's group votes among the waiters (first come if the vote fails)
};

} // namespace gehri::collective

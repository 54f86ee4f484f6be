#pragma once

#include <stdint.h>

namespace gehri::collective {

// The collective algorithms are pure: they see agents only as opaque 64-bit ids and time only
// as a monotonic nanosecond count handed in by the caller (the kernel services read the clock).
using AgentId = uint64_t;
using Nanoseconds = uint64_t;

// The kernel itself, when it acts as a party (opens a proposal to settle a lease, rates an agent).
constexpr AgentId kernel_agent = 0;

constexpr Nanoseconds nanoseconds_per_second = 1'000'000'000;

} // namespace gehri::collective

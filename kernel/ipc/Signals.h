#pragma once

#include <stdint.h>

namespace gehri::ipc {

// The states an IPC object exposes to waiters, as bits. Level-triggered: a bit is set while
// the condition holds, so a waiter that looks late still sees it. Values are future ABI.
using Signals = uint32_t;

namespace signal {
constexpr Signals none = 0;
constexpr Signals readable = 1u << 0;    // something to read: a message, a sample, a watch event
constexpr Signals writable = 1u << 1;    // a write would find room now (it may still fail for size)
constexpr Signals peer_closed = 1u << 2; // the other end is gone: nothing more will arrive
constexpr Signals signalled = 1u << 3;   // an event was signalled (event objects)
constexpr Signals overflowed = 1u << 4;  // a bounded event queue lost events (watches)
// Bits 24..31 mean what the agents using an event agree on (libgehri's ring: user0 "records
// waiting", user1 "room made"). Only event objects raise them.
constexpr Signals user0 = 1u << 24;
constexpr Signals user1 = 1u << 25;
constexpr Signals user_all = 0xffu << 24;
constexpr Signals all = readable | writable | peer_closed | signalled | overflowed | user_all;
} // namespace signal

} // namespace gehri::ipc

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
constexpr Signals signalled = 1u << 3;   // a user-defined event (reserved for event objects)
constexpr Signals overflowed = 1u << 4;  // a bounded event queue lost events (watches)
constexpr Signals all = readable | writable | peer_closed | signalled | overflowed;
} // namespace signal

} // namespace gehri::ipc

#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::ipc {

// Who sent a message or wrote an entry. The kernel stamps it from the calling agent; nothing in
// this layer takes it from user data, so it cannot be forged.
using AgentId = uint64_t;

// A handle in transit, as an opaque token the object layer mints when it lifts a handle out of
// the sender's table and redeems when it installs it in the receiver's. IPC only carries tokens
// and, if a message dies undelivered, gives them back through the HandleDisposer.
using HandleToken = uint64_t;

// Hard limits of the message format (part of the future syscall ABI).
constexpr size_t max_message_bytes = 64 * 1024;
constexpr size_t max_message_handles = 64;
// Payloads up to this size live inside the message slot: a small channel message costs no heap
// allocation at all, which is what keeps the round trip cheap.
constexpr size_t message_inline_bytes = 64;

} // namespace gehri::ipc

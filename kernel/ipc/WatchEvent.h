#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/Types.h>

namespace gehri::ipc {

enum class WatchEventKind : uint8_t {
    Put = 1,
    Delete = 2,
};

// One change a watch saw: which key, what happened, at which board revision, by whom, when.
struct WatchEvent {
    WatchEventKind kind { WatchEventKind::Put };
    uint64_t version { 0 }; // the board revision of the change
    AgentId writer { 0 };
    uint64_t time_ns { 0 };
    PayloadRef key; // shared with the entry: no copy per event
};

} // namespace gehri::ipc

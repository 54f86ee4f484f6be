#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/Types.h>
#include <kernel/lib/StringView.h>

namespace gehri::ipc {

// One key of a blackboard. Key and value are Payloads so that readers and watch events can hold
// them after the board's lock is released, without copying.
struct BlackboardEntry {
    PayloadRef key;
    PayloadRef value;
    uint64_t hash { 0 };
    uint64_t version { 0 };         // board revision of the last put
    uint64_t created_version { 0 }; // board revision that created the key
    AgentId writer { 0 };
    uint64_t time_ns { 0 };
    uint64_t charge { 0 };          // bytes charged to `writer`'s quota
    BlackboardEntry* next { nullptr }; // hash chain

    StringView key_view() const { return { reinterpret_cast<const char*>(key->bytes().data()), key->size() }; }
};

inline StringView as_string(const PayloadRef& bytes) { return { reinterpret_cast<const char*>(bytes->bytes().data()), bytes->size() }; }

} // namespace gehri::ipc

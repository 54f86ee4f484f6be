#pragma once

#include <concepts>
#include <kernel/lib/StringView.h>
#include <stddef.h>
#include <stdint.h>
#include <type_traits>

namespace gehri::audit {

// The agent a record is about, stamped by the kernel service that appends it (never taken from
// the agent's own word). 0 is the kernel itself.
using AgentId = uint64_t;
constexpr AgentId kernel_agent = 0;

// The numeric values are part of the hashed encoding: append new kinds at the end, never
// renumber, and give each a name in record_kind_name().
enum class RecordKind : uint16_t {
    // Written by the log itself; append() refuses them.
    LogStart = 0,
    Checkpoint = 1,
    Gap = 2,
    // Kernel decisions.
    ProposalOutcome = 3,
    AuctionClearing = 4,
    LeaseGranted = 5,
    LeaseLost = 6,
    Quarantine = 7,
    BreakGlass = 8,
    AgentFault = 9,
    PolicyDenial = 10,
    // Collective services (kernel/collective, docs/collective.md).
    ProposalOpened = 11,
    QuarantineLifted = 12,
    ResourceEffect = 13,
    // Agents' decisions (the AuditRecord system call): who decided is the record's agent.
    SwarmDecision = 14,
    // The boot image's policy file was refused (docs/policy.md).
    PolicyRejected = 15,
    // A human at the console co-signed or vetoed a proposal that policy made wait for one.
    Cosign = 16,
};
constexpr uint16_t record_kind_count = 17;

StringView record_kind_name(RecordKind kind);
bool parse_record_kind(StringView name, RecordKind& out);
constexpr bool is_known_kind(uint64_t value) { return value < record_kind_count; }
constexpr bool is_log_kind(RecordKind kind) { return kind == RecordKind::LogStart || kind == RecordKind::Checkpoint || kind == RecordKind::Gap; }

// Limits that keep every record small and bounded (see max_encoded_record_size).
constexpr size_t max_fields = 8;
constexpr size_t max_key_length = 16;    // bytes of [a-z0-9_]
constexpr size_t max_string_length = 64; // arbitrary bytes

// One typed key/value pair. Integers cover -2^63 .. 2^64-1 as a sign and a magnitude, so signed
// and unsigned callers share one type and 5 means the same whichever produced it. A Field only
// views its key and text; append() copies them.
struct Field {
    enum class Type : uint8_t { Integer, String };

    StringView key;
    Type type { Type::Integer };
    bool negative { false };
    uint64_t magnitude { 0 };
    StringView text;

    template<std::integral T>
        requires(!std::same_as<T, bool> && !std::same_as<T, char>)
    static constexpr Field integer(StringView key, T value)
    {
        Field field { key, Type::Integer, false, 0, {} };
        if constexpr (std::is_signed_v<T>) {
            field.negative = value < 0;
            field.magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
        } else {
            field.magnitude = value;
        }
        return field;
    }
    static constexpr Field string(StringView key, StringView text) { return { key, Type::String, false, 0, text }; }

    bool operator==(const Field& other) const
    {
        return key == other.key && type == other.type && negative == other.negative && magnitude == other.magnitude && text == other.text;
    }
};

// A record as the encoder and the exporter see it; fields are views, sorted by key.
struct RecordView {
    uint64_t sequence { 0 };
    uint64_t time_ns { 0 };
    AgentId agent { kernel_agent };
    RecordKind kind { RecordKind::LogStart };
    const Field* fields { nullptr };
    size_t field_count { 0 };
};

} // namespace gehri::audit

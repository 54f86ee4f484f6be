#pragma once

// Shared by the audit host tests: a string sink, a fake clock and the golden record sequence
// (the same one tools/audit-verify/reference.py models).
#include <kernel/audit/AuditLog.h>
#include <stdint.h>
#include <memory>
#include <string>
#include <vector>

namespace gehri::audit::testing {

class StringSink final : public FormatSink {
public:
    void write(StringView text) override { m_text.append(text.characters(), text.length()); }
    const std::string& text() const { return m_text; }
    void clear() { m_text.clear(); }

private:
    std::string m_text;
};

// 1e9, 1e9 + 1500, 1e9 + 3000, ...: one tick per call, reset by reset_fake_clock().
inline uint64_t s_fake_ticks = 0;
inline void reset_fake_clock() { s_fake_ticks = 0; }
inline uint64_t fake_clock() { return 1000000000 + 1500 * s_fake_ticks++; }

// A log over owned storage (the log itself never owns its ring).
struct OwnedLog {
    std::vector<uint8_t> storage;
    AuditLog log;
};

inline std::unique_ptr<OwnedLog> make_log(size_t storage_size, uint32_t checkpoint_interval, TimeSource clock = fake_clock)
{
    std::vector<uint8_t> storage(storage_size);
    auto created = AuditLog::create({ storage.data(), storage.size(), checkpoint_interval, clock });
    if (created.is_error())
        return nullptr;
    return std::make_unique<OwnedLog>(std::move(storage), created.release_value());
}

inline std::string as_string(StringView view) { return std::string(view.characters(), view.length()); }

// The golden sequence: 7 decisions with checkpoint interval 4 into 8 KiB, clock reset first.
inline std::unique_ptr<OwnedLog> make_golden_log()
{
    reset_fake_clock();
    auto owned = make_log(8192, 4);
    auto& log = owned->log;
    static const char quarantine_reason[] = "bytes \x00\x01\"\\\xff end";
    (void)log.append(RecordKind::ProposalOutcome, 7, { Field::integer("proposal", 42), Field::string("outcome", "accepted"), Field::integer("votes_for", 5), Field::integer("votes_against", 2) });
    (void)log.append(RecordKind::AuctionClearing, 3, { Field::integer("auction", 9), Field::integer("price", -17), Field::integer("winner", 12), Field::string("item", "gpu:0") });
    (void)log.append(RecordKind::LeaseGranted, 12, { Field::integer("lease", 100), Field::string("resource", "cpu/1"), Field::integer("duration_ns", 5000000) });
    (void)log.append(RecordKind::Quarantine, 99, { Field::string("reason", StringView(quarantine_reason, sizeof(quarantine_reason) - 1)) });
    (void)log.append(RecordKind::PolicyDenial, 5, { Field::string("policy", "net.egress"), Field::integer("min", INT64_MIN), Field::integer("max", UINT64_MAX) });
    (void)log.append(RecordKind::BreakGlass, 0, {});
    (void)log.append(RecordKind::AgentFault, 4, { Field::integer("vector", 14), Field::integer("address", 0xdeadbeefu) });
    return owned;
}

} // namespace gehri::audit::testing

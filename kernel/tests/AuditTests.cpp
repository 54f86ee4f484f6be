#include <kernel/audit/AuditLog.h>
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/tests/Framework.h>
#include <string.h>

// The audit log on the real target: built with the kernel's flags (no SSE, kernel code model),
// it must produce exactly the bytes and hashes the host tests and tools/audit-verify/reference.py
// agree on.
namespace gehri::audit {

namespace {

bool hex_equals(const Sha256Digest& digest, StringView expected)
{
    char text[sha256_hex_length];
    to_hex(digest, text);
    return StringView(text, sizeof(text)) == expected;
}

uint64_t s_ticks;
uint64_t test_clock() { return 1000000000 + 1500 * s_ticks++; }

// Counts lines and remembers whether some text appeared in them.
class ScanSink final : public FormatSink {
public:
    explicit ScanSink(StringView needle)
        : m_needle(needle)
    {
    }
    void write(StringView text) override
    {
        for (char c : text) {
            if (c == '\n')
                ++m_lines;
            m_matched = c == m_needle[m_matched] ? m_matched + 1 : (c == m_needle[0] ? 1 : 0);
            if (m_matched == m_needle.length()) {
                m_found = true;
                m_matched = 0;
            }
        }
    }
    size_t lines() const { return m_lines; }
    bool found() const { return m_found; }

private:
    StringView m_needle;
    size_t m_matched { 0 };
    size_t m_lines { 0 };
    bool m_found { false };
};

uint8_t s_storage[8192];

} // namespace

KERNEL_TEST(audit_sha256_in_kernel)
{
    EXPECT(hex_equals(Sha256::digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    EXPECT(hex_equals(Sha256::digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    char block[1000];
    memset(block, 'a', sizeof(block));
    Sha256 hasher;
    for (int i = 0; i < 1000; ++i)
        hasher.update(block, sizeof(block));
    EXPECT(hex_equals(hasher.finalize(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

// The golden sequence of tests/host/support/AuditTestSupport.h and reference.py.
KERNEL_TEST(audit_golden_sequence_in_kernel)
{
    s_ticks = 0;
    auto created = AuditLog::create({ s_storage, sizeof(s_storage), 4, test_clock });
    EXPECT(created.is_ok());
    if (created.is_error())
        return;
    AuditLog log = created.release_value();
    static const char quarantine_reason[] = "bytes \x00\x01\"\\\xff end";
    size_t accepted = 0;
    accepted += log.append(RecordKind::ProposalOutcome, 7, { Field::integer("proposal", 42), Field::string("outcome", "accepted"), Field::integer("votes_for", 5), Field::integer("votes_against", 2) }).is_ok();
    accepted += log.append(RecordKind::AuctionClearing, 3, { Field::integer("auction", 9), Field::integer("price", -17), Field::integer("winner", 12), Field::string("item", "gpu:0") }).is_ok();
    accepted += log.append(RecordKind::LeaseGranted, 12, { Field::integer("lease", 100), Field::string("resource", "cpu/1"), Field::integer("duration_ns", 5000000) }).is_ok();
    accepted += log.append(RecordKind::Quarantine, 99, { Field::string("reason", StringView(quarantine_reason, sizeof(quarantine_reason) - 1)) }).is_ok();
    accepted += log.append(RecordKind::PolicyDenial, 5, { Field::string("policy", "net.egress"), Field::integer("min", INT64_MIN), Field::integer("max", UINT64_MAX) }).is_ok();
    accepted += log.append(RecordKind::BreakGlass, 0, {}).is_ok();
    accepted += log.append(RecordKind::AgentFault, 4, { Field::integer("vector", 14), Field::integer("address", 0xdeadbeefu) }).is_ok();
    EXPECT_EQ(accepted, 7u);
    auto status = log.status();
    EXPECT_EQ(status.next_sequence, 10u);
    EXPECT(hex_equals(status.head, "654f1b79a727f6aa1fe2876556a60d008a4e4bcedc12a8743612f685d8f7e43d"));

    ScanSink sink("{\"seq\":5,\"time_ns\":1000006000,\"agent\":99,\"kind\":\"Quarantine\",\"fields\":{\"reason\":\"bytes \\u0000\\u0001\\\"\\\\\\u00ff end\"}");
    EXPECT_EQ(log.export_pending(sink), 10u);
    EXPECT_EQ(sink.lines(), 10u);
    EXPECT(sink.found());
}

KERNEL_TEST(audit_chain_and_checkpoints_in_kernel)
{
    auto created = AuditLog::create({ s_storage, sizeof(s_storage), 8, nullptr });
    EXPECT(created.is_ok());
    if (created.is_error())
        return;
    AuditLog log = created.release_value();
    for (uint64_t i = 0; i < 50; ++i)
        EXPECT(log.append(RecordKind::LeaseLost, i, { Field::integer("lease", i), Field::string("why", "expired") }).is_ok());

    struct Walk {
        uint64_t next_sequence = 0;
        size_t checkpoints = 0;
        size_t mismatches = 0;
        Sha256Digest expected_previous = genesis_hash;
    } walk;
    auto visited = log.for_each_pending([&](const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash) {
        uint8_t encoded[max_encoded_record_size];
        auto length = encode_record(record, encoded, sizeof(encoded));
        bool due = record.sequence > 0 && record.sequence % 8 == 0;
        if (record.sequence != walk.next_sequence++ || previous != walk.expected_previous || length.is_error()
            || chain_hash(previous, encoded, length.value()) != hash || due != (record.kind == RecordKind::Checkpoint))
            ++walk.mismatches;
        walk.checkpoints += record.kind == RecordKind::Checkpoint;
        walk.expected_previous = hash;
    });
    // 50 decisions + LogStart + a checkpoint after every 7: 58 records, 7 checkpoints.
    EXPECT_EQ(visited.value_or(0), 58u);
    EXPECT_EQ(walk.mismatches, 0u);
    EXPECT_EQ(walk.checkpoints, 7u);
    EXPECT(walk.expected_previous == log.status().head);
}

KERNEL_TEST(audit_full_ring_records_a_gap_in_kernel)
{
    auto created = AuditLog::create({ s_storage, AuditLog::min_storage_size, 1000, nullptr });
    EXPECT(created.is_ok());
    if (created.is_error())
        return;
    AuditLog log = created.release_value();
    size_t stored = 0;
    while (log.append(RecordKind::AgentFault, 9, { Field::integer("vector", 14), Field::string("note", "filling the ring up") }).is_ok())
        ++stored;
    EXPECT(log.append(RecordKind::AgentFault, 9, {}).error() == Error::QueueFull);
    EXPECT_EQ(log.status().dropped_unreported, 2u);
    EXPECT(log.verify_pending().is_ok());

    ScanSink sink("\"kind\":\"Gap\",\"fields\":{\"dropped\":2,");
    EXPECT_EQ(log.export_pending(sink), stored + 2); // LogStart, the stored records, the Gap
    EXPECT(sink.found());
    EXPECT_EQ(log.status().dropped_unreported, 0u);
}

KERNEL_TEST(audit_tampered_storage_is_detected_in_kernel)
{
    memset(s_storage, 0, sizeof(s_storage));
    auto created = AuditLog::create({ s_storage, sizeof(s_storage), 64, nullptr });
    EXPECT(created.is_ok());
    if (created.is_error())
        return;
    AuditLog log = created.release_value();
    EXPECT(log.append(RecordKind::Quarantine, 6, { Field::string("reason", "zzzz") }).is_ok());
    EXPECT_EQ(log.verify_pending().value_or(0), 2u);
    for (size_t i = 0; i + 4 <= sizeof(s_storage); ++i) {
        if (memcmp(s_storage + i, "zzzz", 4) == 0) {
            s_storage[i] = 'y';
            break;
        }
    }
    EXPECT(log.verify_pending().error() == Error::BadFormat);
}

// Writes the kernel's own log to the serial console; the boot tests run gehri-audit-verify on
// the capture, so this checks the whole path from kernel append to host verification.
KERNEL_TEST(audit_kernel_log_exports_to_console)
{
    EXPECT(kernel_log_ready());
    if (!kernel_log_ready())
        return;
    auto before = kernel_log().status();
    EXPECT(before.next_sequence >= 1);
    const char odd_bytes[] = { 'o', 'k', '"', '\\', '\n', char(0xe9) };
    auto sequence = kernel_log().append(RecordKind::PolicyDenial, kernel_agent, { Field::string("policy", "boot-test"), Field::string("bytes", StringView(odd_bytes, sizeof(odd_bytes))), Field::integer("rule", -1) });
    EXPECT(sequence.is_ok());
    EXPECT_EQ(sequence.value_or(0), before.next_sequence);
    EXPECT(kernel_log().append(RecordKind::BreakGlass, kernel_agent, { Field::string("reason", "in-kernel test") }).is_ok());
    EXPECT(kernel_log().verify_pending().is_ok());
    EXPECT(export_kernel_log_to_console() >= 3);
    EXPECT_EQ(kernel_log().status().pending_records, 0u);
}

} // namespace gehri::audit

#include <gtest/gtest.h>
#include <kernel/audit/Json.h>
#include <random>
#include <tests/host/support/AuditTestSupport.h>
#include <tools/audit-verify/Verifier.h>

using namespace gehri;
using namespace gehri::audit;
using namespace gehri::audit::testing;
using gehri::audit::verify::ProblemKind;
using gehri::audit::verify::verify_log;

namespace gehri::audit::verify {
// Readable gtest messages.
void PrintTo(ProblemKind kind, std::ostream* out) { *out << problem_kind_name(kind); }
} // namespace gehri::audit::verify

namespace {

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines)
{
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

std::vector<std::string> golden_lines()
{
    auto owned = make_golden_log();
    StringSink sink;
    (void)owned->log.export_pending(sink);
    return split_lines(sink.text());
}

void replace_once(std::string& text, const std::string& from, const std::string& to)
{
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
}

// Expects the first problem to be `kind` at `line` (1-based) about record `sequence`.
void expect_problem(const std::string& text, ProblemKind kind, size_t line, std::optional<uint64_t> sequence)
{
    auto report = verify_log(text);
    ASSERT_FALSE(report.intact()) << "the verifier accepted:\n" << text;
    const auto& problem = *report.problem;
    EXPECT_EQ(problem.kind, kind) << verify::describe(report, "log");
    EXPECT_EQ(problem.line, line) << verify::describe(report, "log");
    EXPECT_EQ(problem.sequence, sequence) << verify::describe(report, "log");
}

// Writes records the way an attacker with the format (but not the anchor) could: each one
// correctly chained to the one before, whatever it contains.
class Forger {
public:
    void add(uint64_t sequence, RecordKind kind, AgentId agent, std::vector<Field> fields)
    {
        sort_fields(fields.data(), fields.size());
        RecordView record { sequence, 1000 + sequence, agent, kind, fields.data(), fields.size() };
        uint8_t encoded[max_encoded_record_size];
        auto length = encode_record(record, encoded, sizeof(encoded));
        ASSERT_TRUE(length.is_ok());
        Sha256Digest hash = chain_hash(m_head, encoded, length.value());
        write_json_record(m_sink, record, m_head, hash);
        m_sink.write("\n");
        m_head = hash;
    }
    void log_start(uint64_t interval)
    {
        add(0, RecordKind::LogStart, 0, { Field::integer("capacity", 4096), Field::integer("checkpoint_every", interval), Field::integer("format", 1) });
    }
    void checkpoint(uint64_t sequence)
    {
        char chain[sha256_hex_length];
        to_hex(m_head, chain);
        add(sequence, RecordKind::Checkpoint, 0, { Field::string("chain", StringView(chain, sizeof(chain))), Field::integer("records", sequence) });
    }
    void decision(uint64_t sequence) { add(sequence, RecordKind::LeaseGranted, 5, { Field::integer("lease", sequence) }); }
    const std::string& text() const { return m_sink.text(); }
    const Sha256Digest& head() const { return m_head; }

private:
    StringSink m_sink;
    Sha256Digest m_head { genesis_hash };
};

} // namespace

TEST(AuditVerifier, GoldenLogIsIntact)
{
    auto lines = golden_lines();
    ASSERT_EQ(lines.size(), 10u);
    auto report = verify_log(join_lines(lines));
    ASSERT_TRUE(report.intact()) << verify::describe(report, "golden");
    EXPECT_FALSE(report.serial_mode);
    EXPECT_EQ(report.records, 10u);
    EXPECT_EQ(report.checkpoints, 2u);
    EXPECT_EQ(report.gap_records, 0u);
    char head[sha256_hex_length];
    to_hex(report.head, head);
    EXPECT_EQ(std::string(head, sizeof(head)), "654f1b79a727f6aa1fe2876556a60d008a4e4bcedc12a8743612f685d8f7e43d");
    EXPECT_NE(verify::describe(report, "golden").find("golden: intact: 10 records (seq 0..9), 2 checkpoints"), std::string::npos);
}

TEST(AuditVerifier, SerialCaptureWithOtherOutputAndCrLf)
{
    auto lines = golden_lines();
    std::string capture = "\r\nGehri 0.1.0 (Jatha)\r\n[    0.000100] info: booting\r\n";
    for (size_t i = 0; i < lines.size(); ++i) {
        capture += "AUDIT " + lines[i] + "\r\n";
        if (i % 3 == 0)
            capture += "[    0.0002" + std::to_string(i) + "] info: something else {\"seq\":99}\r\n";
    }
    capture += "kernel-tests: 5 passed, 0 failed"; // no final newline
    auto report = verify_log(capture);
    ASSERT_TRUE(report.intact()) << verify::describe(report, "capture");
    EXPECT_TRUE(report.serial_mode);
    EXPECT_EQ(report.records, 10u);

    // The line numbers refer to the capture, other output included.
    replace_once(capture, "\"outcome\":\"accepted\"", "\"outcome\":\"rejected\"");
    expect_problem(capture, ProblemKind::Altered, 6, 1);
}

TEST(AuditVerifier, OneFlippedByteInAField)
{
    auto lines = golden_lines();
    replace_once(lines[1], "\"accepted\"", "\"accepteD\"");
    expect_problem(join_lines(lines), ProblemKind::Altered, 2, 1);

    lines = golden_lines();
    replace_once(lines[5], "\\u00ff", "\\u00fe"); // a byte inside an escaped string
    expect_problem(join_lines(lines), ProblemKind::Altered, 6, 5);

    lines = golden_lines();
    replace_once(lines[6], "\"min\":-9223372036854775808", "\"min\":-9223372036854775807");
    expect_problem(join_lines(lines), ProblemKind::Altered, 7, 6);

    lines = golden_lines();
    replace_once(lines[3], "\"agent\":12", "\"agent\":13");
    expect_problem(join_lines(lines), ProblemKind::Altered, 4, 3);

    lines = golden_lines();
    replace_once(lines[3], "\"kind\":\"LeaseGranted\"", "\"kind\":\"LeaseLost\"");
    expect_problem(join_lines(lines), ProblemKind::Altered, 4, 3);

    lines = golden_lines();
    replace_once(lines[2], "\"time_ns\":1000003000", "\"time_ns\":1000003001");
    expect_problem(join_lines(lines), ProblemKind::Altered, 3, 2);

    lines = golden_lines();
    replace_once(lines[1], "\"proposal\":42", "\"proposam\":42"); // a renamed key
    expect_problem(join_lines(lines), ProblemKind::Altered, 2, 1);
}

TEST(AuditVerifier, ReorderingFieldsInsideARecordChangesNothing)
{
    // The encoding sorts fields by key, so the JSON's field order carries no meaning.
    auto lines = golden_lines();
    replace_once(lines[3], "{\"duration_ns\":5000000,\"lease\":100,\"resource\":\"cpu/1\"}", "{\"resource\":\"cpu/1\",\"lease\":100,\"duration_ns\":5000000}");
    EXPECT_TRUE(verify_log(join_lines(lines)).intact());
}

TEST(AuditVerifier, ADeletedLine)
{
    auto lines = golden_lines();
    lines.erase(lines.begin() + 3); // seq 3
    expect_problem(join_lines(lines), ProblemKind::Missing, 4, 4);
    auto report = verify_log(join_lines(lines));
    EXPECT_NE(report.problem->message.find("seq 3 is missing"), std::string::npos) << report.problem->message;

    lines = golden_lines();
    lines.erase(lines.begin() + 2, lines.begin() + 5); // seq 2..4
    report = verify_log(join_lines(lines));
    ASSERT_FALSE(report.intact());
    EXPECT_EQ(report.problem->kind, ProblemKind::Missing);
    EXPECT_EQ(report.problem->line, 3u);
    EXPECT_NE(report.problem->message.find("seq 2..4 is missing"), std::string::npos) << report.problem->message;

    lines = golden_lines();
    lines.erase(lines.begin()); // the LogStart
    expect_problem(join_lines(lines), ProblemKind::Missing, 1, 1);
}

TEST(AuditVerifier, TwoSwappedLines)
{
    auto lines = golden_lines();
    std::swap(lines[5], lines[6]);
    expect_problem(join_lines(lines), ProblemKind::Reordered, 6, 6);
    auto report = verify_log(join_lines(lines));
    EXPECT_NE(report.problem->message.find("seq 5 comes later, at line 7"), std::string::npos) << report.problem->message;

    lines = golden_lines();
    std::swap(lines[1], lines[8]); // far apart
    expect_problem(join_lines(lines), ProblemKind::Reordered, 2, 8);
}

TEST(AuditVerifier, ARepeatedLine)
{
    auto lines = golden_lines();
    lines.insert(lines.begin() + 4, lines[3]);
    expect_problem(join_lines(lines), ProblemKind::Reordered, 5, 3);
}

TEST(AuditVerifier, TheLastLineTruncated)
{
    auto lines = golden_lines();
    for (size_t keep : { size_t(1), size_t(20), lines.back().size() / 2, lines.back().size() - 1 }) {
        auto cut = lines;
        cut.back() = cut.back().substr(0, keep);
        std::string text = join_lines(cut);
        expect_problem(text, ProblemKind::Truncated, 10, std::nullopt);
        text.pop_back(); // and without the final newline
        expect_problem(text, ProblemKind::Truncated, 10, std::nullopt);
    }
    auto report = verify_log(join_lines({ lines[0], lines[1].substr(0, 50) }));
    EXPECT_NE(report.problem->message.find("the last record is cut off"), std::string::npos);
}

TEST(AuditVerifier, AChangedHash)
{
    auto lines = golden_lines();
    std::string& line = lines[5];
    size_t at = line.find("\"hash\":\"") + 8;
    line[at + 10] = line[at + 10] == 'a' ? 'b' : 'a';
    expect_problem(join_lines(lines), ProblemKind::Altered, 6, 5);
}

TEST(AuditVerifier, AChangedPrevHash)
{
    auto lines = golden_lines();
    std::string& line = lines[7];
    size_t at = line.find("\"prev\":\"") + 8;
    line[at] = line[at] == '0' ? '1' : '0';
    expect_problem(join_lines(lines), ProblemKind::BrokenLink, 8, 7);
}

TEST(AuditVerifier, AChangedSequenceNumber)
{
    auto lines = golden_lines();
    replace_once(lines[6], "\"seq\":6,", "\"seq\":60,");
    expect_problem(join_lines(lines), ProblemKind::Altered, 7, 60);
}

TEST(AuditVerifier, MalformedAndInvalidLines)
{
    auto lines = golden_lines();
    auto with = [&](size_t index, std::string replacement) {
        auto copy = lines;
        copy[index] = std::move(replacement);
        return join_lines(copy);
    };
    expect_problem(with(4, "garbage"), ProblemKind::Malformed, 5, std::nullopt);
    std::string line = lines[4];
    expect_problem(with(4, line + "x"), ProblemKind::Malformed, 5, std::nullopt);
    std::string extra_key = line;
    replace_once(extra_key, "{\"seq\"", "{\"note\":\"hi\",\"seq\"");
    expect_problem(with(4, extra_key), ProblemKind::InvalidRecord, 5, 4);
    std::string unknown_kind = line;
    replace_once(unknown_kind, "\"Checkpoint\"", "\"Teleport\"");
    expect_problem(with(4, unknown_kind), ProblemKind::InvalidRecord, 5, 4);
    std::string bad_hash = line;
    replace_once(bad_hash, "\"hash\":\"", "\"hash\":\"zz");
    expect_problem(with(4, bad_hash), ProblemKind::InvalidRecord, 5, 4);
    std::string float_value = lines[3];
    replace_once(float_value, "\"lease\":100", "\"lease\":100.5");
    expect_problem(with(3, float_value), ProblemKind::Malformed, 4, std::nullopt);
    std::string big_key = lines[3];
    replace_once(big_key, "\"lease\":100", "\"a_very_long_key_name\":100");
    expect_problem(with(3, big_key), ProblemKind::InvalidRecord, 4, 3);
    std::string duplicate = lines[3];
    replace_once(duplicate, "\"lease\":100", "\"lease\":100,\"lease\":100");
    expect_problem(with(3, duplicate), ProblemKind::Malformed, 4, std::nullopt);
    // What the kernel writes for an entry it cannot decode is flagged too.
    expect_problem(with(2, "{\"error\":\"undecodable audit entry in kernel memory\"}"), ProblemKind::InvalidRecord, 3, std::nullopt);
}

TEST(AuditVerifier, NoRecordsAtAll)
{
    expect_problem("", ProblemKind::NoRecords, 0, std::nullopt);
    expect_problem("\n  \n", ProblemKind::NoRecords, 0, std::nullopt);
    // A capture of a boot that exported nothing holds no records; it is not "malformed".
    expect_problem("Gehri 0.1.0 (Jatha)\nkernel-tests: 3 passed, 0 failed\n", ProblemKind::NoRecords, 0, std::nullopt);
    expect_problem("AUDIT \n", ProblemKind::Truncated, 1, std::nullopt);
    // Once there are records, a stray line in a plain JSON-lines file is an error.
    auto lines = golden_lines();
    lines.insert(lines.begin() + 2, "some note");
    expect_problem(join_lines(lines), ProblemKind::Malformed, 3, std::nullopt);
}

TEST(AuditVerifier, TwoLogsInOneFile)
{
    auto lines = golden_lines();
    auto twice = lines;
    twice.insert(twice.end(), lines.begin(), lines.end());
    expect_problem(join_lines(twice), ProblemKind::NewLog, 11, 0);
}

TEST(AuditVerifier, ARechainedLogStillNeedsItsCheckpoints)
{
    Forger good;
    good.log_start(3);
    good.decision(1);
    good.decision(2);
    good.checkpoint(3);
    good.decision(4);
    ASSERT_TRUE(verify_log(good.text()).intact()) << verify::describe(verify_log(good.text()), "forged");

    Forger no_checkpoint; // the checkpoint replaced by a decision, everything re-hashed
    no_checkpoint.log_start(3);
    no_checkpoint.decision(1);
    no_checkpoint.decision(2);
    no_checkpoint.decision(3);
    expect_problem(no_checkpoint.text(), ProblemKind::BadCheckpoint, 4, 3);

    Forger early; // a checkpoint off the schedule
    early.log_start(3);
    early.decision(1);
    early.checkpoint(2);
    expect_problem(early.text(), ProblemKind::BadCheckpoint, 3, 2);

    Forger wrong_count;
    wrong_count.log_start(2);
    wrong_count.decision(1);
    wrong_count.add(2, RecordKind::Checkpoint, 0, { Field::string("chain", std::string(64, '0').c_str()), Field::integer("records", 2) });
    expect_problem(wrong_count.text(), ProblemKind::BadCheckpoint, 3, 2);
}

TEST(AuditVerifier, LogStartAndGapRules)
{
    Forger missing_start;
    missing_start.decision(0);
    expect_problem(missing_start.text(), ProblemKind::BadLogStart, 1, 0);

    Forger bad_interval;
    bad_interval.log_start(1);
    expect_problem(bad_interval.text(), ProblemKind::BadLogStart, 1, 0);

    Forger empty_gap;
    empty_gap.log_start(8);
    empty_gap.add(1, RecordKind::Gap, 0, { Field::integer("dropped", 0), Field::integer("first_time_ns", 1), Field::integer("last_time_ns", 2) });
    expect_problem(empty_gap.text(), ProblemKind::BadGap, 2, 1);

    Forger gap;
    gap.log_start(8);
    gap.add(1, RecordKind::Gap, 0, { Field::integer("dropped", 7), Field::integer("first_time_ns", 1), Field::integer("last_time_ns", 2) });
    auto report = verify_log(gap.text());
    ASSERT_TRUE(report.intact());
    EXPECT_EQ(report.gap_records, 1u);
    EXPECT_EQ(report.dropped_records, 7u);
    EXPECT_NE(verify::describe(report, "g").find("could not log 7 records"), std::string::npos);
}

TEST(AuditVerifier, AnAnchorCatchesARewrittenLog)
{
    auto lines = golden_lines();
    auto honest = verify_log(join_lines(lines));
    ASSERT_TRUE(honest.intact());

    // The checkpoint at seq 4 was noted elsewhere at the time.
    Sha256Digest checkpoint_hash;
    std::string line = lines[4];
    ASSERT_TRUE(parse_hex(StringView(line.data() + line.find("\"hash\":\"") + 8, 64), checkpoint_hash));
    verify::Options options { checkpoint_hash };
    auto anchored = verify_log(join_lines(lines), options);
    ASSERT_TRUE(anchored.intact());
    EXPECT_EQ(anchored.anchor_line, 5u);

    // An attacker rewrites a record before it and re-hashes the rest: self-consistent, but the
    // anchor record no longer exists.
    Forger rewritten;
    rewritten.log_start(4);
    rewritten.decision(1);
    rewritten.decision(2);
    rewritten.decision(3);
    rewritten.checkpoint(4);
    EXPECT_TRUE(verify_log(rewritten.text()).intact());
    auto caught = verify_log(rewritten.text(), options);
    ASSERT_FALSE(caught.intact());
    EXPECT_EQ(caught.problem->kind, ProblemKind::AnchorMissing);
}

// Random appends and exports through a small ring: whatever happened (wrap-around, drops, gaps,
// checkpoints), the exported log verifies and accounts for every dropped record.
TEST(AuditVerifier, RandomWorkloadsStayVerifiable)
{
    std::mt19937_64 random(1234);
    for (int trial = 0; trial < 20; ++trial) {
        auto owned = make_log(AuditLog::min_storage_size + random() % 4096, 2 + random() % 20);
        ASSERT_NE(owned, nullptr);
        auto& log = owned->log;
        StringSink sink;
        std::string text(max_string_length, 'q');
        for (int step = 0; step < 400; ++step) {
            if (random() % 10 == 0) {
                (void)log.export_pending(sink, serial_marker, random() % 30);
                sink.write("console noise\n");
                continue;
            }
            size_t length = random() % (max_string_length + 1);
            (void)log.append(RecordKind::AgentFault, random() % 100, { Field::integer("vector", int64_t(random() % 256) - 128), Field::string("what", StringView(text.data(), length)) });
        }
        (void)log.export_pending(sink, serial_marker);
        (void)log.export_pending(sink, serial_marker); // a pending gap is written by the next export
        auto report = verify_log(sink.text());
        ASSERT_TRUE(report.intact()) << "trial " << trial << ": " << verify::describe(report, "random");
        auto status = log.status();
        EXPECT_EQ(report.records, status.next_sequence);
        EXPECT_EQ(report.dropped_records, status.dropped_total);
        EXPECT_EQ(report.head, status.head);
    }
}

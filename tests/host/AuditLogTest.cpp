#include <algorithm>
#include <atomic>
#include <gtest/gtest.h>
#include <map>
#include <tests/host/support/AuditTestSupport.h>
#include <thread>

using namespace gehri;
using namespace gehri::audit;
using namespace gehri::audit::testing;

namespace {

struct Seen {
    RecordView record;
    std::vector<Field> fields;
    std::vector<std::string> strings; // owns the field keys and texts
    Sha256Digest previous;
    Sha256Digest hash;

    const Field* field(const std::string& key) const
    {
        for (const auto& field : fields) {
            if (as_string(field.key) == key)
                return &field;
        }
        return nullptr;
    }
};

std::vector<Seen> pending_records(const AuditLog& log)
{
    std::vector<Seen> seen;
    auto visited = log.for_each_pending([&](const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash) {
        Seen entry { record, {}, {}, previous, hash };
        for (size_t i = 0; i < record.field_count; ++i) {
            Field field = record.fields[i];
            field.key = {};
            field.text = {};
            entry.fields.push_back(field);
            entry.strings.push_back(as_string(record.fields[i].key));
            entry.strings.push_back(as_string(record.fields[i].text));
        }
        entry.record.fields = nullptr;
        seen.push_back(std::move(entry));
    });
    EXPECT_TRUE(visited.is_ok());
    // Re-point the views at the owned copies (the vector no longer moves).
    for (auto& entry : seen) {
        for (size_t i = 0; i < entry.fields.size(); ++i) {
            entry.fields[i].key = StringView(entry.strings[2 * i].data(), entry.strings[2 * i].size());
            entry.fields[i].text = StringView(entry.strings[2 * i + 1].data(), entry.strings[2 * i + 1].size());
        }
    }
    return seen;
}

std::string hex_of(const Sha256Digest& digest)
{
    char text[sha256_hex_length];
    to_hex(digest, text);
    return std::string(text, sizeof(text));
}

} // namespace

TEST(AuditLog, CreateRejectsBadConfiguration)
{
    std::vector<uint8_t> storage(AuditLog::min_storage_size);
    EXPECT_EQ(AuditLog::create({ nullptr, storage.size(), 64, nullptr }).error(), Error::InvalidArgument);
    EXPECT_EQ(AuditLog::create({ storage.data(), storage.size() - 1, 64, nullptr }).error(), Error::InvalidArgument);
    EXPECT_EQ(AuditLog::create({ storage.data(), storage.size(), 1, nullptr }).error(), Error::InvalidArgument);
    EXPECT_TRUE(AuditLog::create({ storage.data(), storage.size(), 2, nullptr }).is_ok());
}

TEST(AuditLog, StartsWithALogStartRecord)
{
    reset_fake_clock();
    auto owned = make_log(4096, 16);
    ASSERT_NE(owned, nullptr);
    auto records = pending_records(owned->log);
    ASSERT_EQ(records.size(), 1u);
    const auto& start = records[0];
    EXPECT_EQ(start.record.sequence, 0u);
    EXPECT_EQ(start.record.kind, RecordKind::LogStart);
    EXPECT_EQ(start.record.agent, kernel_agent);
    EXPECT_EQ(start.record.time_ns, 1000000000u);
    EXPECT_EQ(start.previous, genesis_hash);
    ASSERT_NE(start.field("capacity"), nullptr);
    EXPECT_EQ(start.field("capacity")->magnitude, 4096u);
    EXPECT_EQ(start.field("checkpoint_every")->magnitude, 16u);
    EXPECT_EQ(start.field("format")->magnitude, encoding_version);
}

TEST(AuditLog, EveryRecordChainsToThePreviousOne)
{
    auto owned = make_log(16384, 1000);
    ASSERT_NE(owned, nullptr);
    for (uint64_t i = 0; i < 40; ++i) {
        auto sequence = owned->log.append(RecordKind::LeaseGranted, 10 + i, { Field::integer("lease", i), Field::string("resource", "disk") });
        ASSERT_TRUE(sequence.is_ok());
        EXPECT_EQ(sequence.value(), i + 1);
    }
    auto records = pending_records(owned->log);
    ASSERT_EQ(records.size(), 41u);
    Sha256Digest previous = genesis_hash;
    for (size_t i = 0; i < records.size(); ++i) {
        const auto& entry = records[i];
        EXPECT_EQ(entry.record.sequence, i);
        EXPECT_EQ(entry.previous, previous);
        RecordView view = entry.record;
        view.fields = entry.fields.data();
        uint8_t encoded[max_encoded_record_size];
        auto length = encode_record(view, encoded, sizeof(encoded));
        ASSERT_TRUE(length.is_ok());
        EXPECT_EQ(entry.hash, chain_hash(previous, encoded, length.value()));
        previous = entry.hash;
    }
    EXPECT_EQ(owned->log.status().head, previous);
    EXPECT_EQ(records[7].record.agent, 16u);
}

TEST(AuditLog, CheckpointsAtEveryMultipleOfTheInterval)
{
    auto owned = make_log(32768, 5);
    ASSERT_NE(owned, nullptr);
    for (int i = 0; i < 30; ++i)
        ASSERT_TRUE(owned->log.append(RecordKind::AgentFault, 3, { Field::integer("vector", 13) }).is_ok());
    auto records = pending_records(owned->log);
    // 30 decisions + LogStart, with a checkpoint at 5, 10, ..., 35: 38 records.
    ASSERT_EQ(records.size(), 38u);
    size_t checkpoints = 0;
    for (const auto& entry : records) {
        uint64_t sequence = entry.record.sequence;
        bool due = sequence > 0 && sequence % 5 == 0;
        EXPECT_EQ(entry.record.kind == RecordKind::Checkpoint, due) << "seq " << sequence;
        if (!due)
            continue;
        ++checkpoints;
        EXPECT_EQ(entry.record.agent, kernel_agent);
        ASSERT_NE(entry.field("records"), nullptr);
        EXPECT_EQ(entry.field("records")->magnitude, sequence);
        ASSERT_NE(entry.field("chain"), nullptr);
        EXPECT_EQ(as_string(entry.field("chain")->text), hex_of(entry.previous));
    }
    EXPECT_EQ(checkpoints, 7u);
}

TEST(AuditLog, AppendRefusesInvalidRecords)
{
    auto owned = make_log(4096, 64);
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    EXPECT_EQ(log.append(RecordKind::Checkpoint, 0, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(RecordKind::Gap, 0, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(RecordKind::LogStart, 0, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(static_cast<RecordKind>(500), 0, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(RecordKind::Quarantine, 1, { Field::integer("a", 1), Field::integer("a", 2) }).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(RecordKind::Quarantine, 1, { Field::integer("Bad", 1) }).error(), Error::InvalidArgument);
    std::string long_text(max_string_length + 1, 'x');
    EXPECT_EQ(log.append(RecordKind::Quarantine, 1, { Field::string("why", StringView(long_text.data(), long_text.size())) }).error(), Error::InvalidArgument);
    EXPECT_EQ(log.append(RecordKind::Quarantine, 1, nullptr, 1).error(), Error::InvalidArgument);
    Field nine[max_fields + 1];
    const char* keys[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
    for (size_t i = 0; i <= max_fields; ++i)
        nine[i] = Field::integer(keys[i], i);
    EXPECT_EQ(log.append(RecordKind::Quarantine, 1, nine, max_fields + 1).error(), Error::InvalidArgument);
    // Refusals leave no trace: the log still holds only its LogStart.
    EXPECT_EQ(log.status().next_sequence, 1u);
    EXPECT_TRUE(log.append(RecordKind::Quarantine, 1, nine, max_fields).is_ok());
}

TEST(AuditLog, FieldsAreStoredInKeyOrder)
{
    auto owned = make_log(4096, 64);
    ASSERT_NE(owned, nullptr);
    ASSERT_TRUE(owned->log.append(RecordKind::AuctionClearing, 8, { Field::integer("zulu", 1), Field::string("alpha", "a"), Field::integer("mike", -3) }).is_ok());
    auto records = pending_records(owned->log);
    ASSERT_EQ(records.size(), 2u);
    const auto& fields = records[1].fields;
    ASSERT_EQ(fields.size(), 3u);
    EXPECT_EQ(as_string(fields[0].key), "alpha");
    EXPECT_EQ(as_string(fields[1].key), "mike");
    EXPECT_TRUE(fields[1].negative);
    EXPECT_EQ(fields[1].magnitude, 3u);
    EXPECT_EQ(as_string(fields[2].key), "zulu");
}

TEST(AuditLog, ExportWritesLinesAndFreesSpace)
{
    reset_fake_clock();
    auto owned = make_log(8192, 64);
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(log.append(RecordKind::LeaseLost, 2, { Field::integer("lease", i) }).is_ok());
    EXPECT_EQ(log.status().pending_records, 6u);

    StringSink sink;
    EXPECT_EQ(log.export_pending(sink, "AUDIT ", 2), 2u);
    EXPECT_EQ(log.status().pending_records, 4u);
    const std::string& text = sink.text();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    EXPECT_EQ(text.rfind("AUDIT {\"seq\":0,", 0), 0u);
    EXPECT_NE(text.find("\nAUDIT {\"seq\":1,\"time_ns\":1000001500,\"agent\":2,\"kind\":\"LeaseLost\",\"fields\":{\"lease\":0},\"prev\":\""), std::string::npos);

    // The next export continues the chain where the last one stopped.
    auto remaining = pending_records(log);
    ASSERT_EQ(remaining.size(), 4u);
    EXPECT_EQ(remaining[0].record.sequence, 2u);
    std::string seq1_hash = text.substr(text.rfind("\"hash\":\"") + 8, 64);
    EXPECT_EQ(hex_of(remaining[0].previous), seq1_hash);

    sink.clear();
    EXPECT_EQ(log.export_pending(sink), 4u);
    EXPECT_EQ(std::count(sink.text().begin(), sink.text().end(), '\n'), 4);
    EXPECT_EQ(sink.text().rfind("{\"seq\":2,", 0), 0u);
    auto status = log.status();
    EXPECT_EQ(status.pending_records, 0u);
    EXPECT_EQ(status.pending_bytes, 0u);
    EXPECT_EQ(log.export_pending(sink), 0u);
    EXPECT_TRUE(log.verify_pending().is_ok());
}

TEST(AuditLog, AFullRingDropsNewRecordsAndReportsTheGap)
{
    reset_fake_clock();
    auto owned = make_log(AuditLog::min_storage_size, 1000);
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    size_t stored = 0;
    while (log.append(RecordKind::PolicyDenial, 4, { Field::string("policy", "a-rather-long-policy-name-to-fill-the-ring-quickly"), Field::integer("n", stored) }).is_ok())
        ++stored;
    ASSERT_GT(stored, 5u);
    EXPECT_EQ(log.append(RecordKind::PolicyDenial, 4, { Field::integer("n", 1) }).error(), Error::QueueFull);
    EXPECT_EQ(log.append(RecordKind::PolicyDenial, 4, { Field::integer("n", 2) }).error(), Error::QueueFull);
    auto status = log.status();
    EXPECT_EQ(status.dropped_total, 3u);
    EXPECT_EQ(status.dropped_unreported, 3u);
    EXPECT_EQ(status.next_sequence, stored + 1);

    // Nothing unexported was overwritten: every stored record is still there and chained.
    auto records = pending_records(log);
    ASSERT_EQ(records.size(), stored + 1);
    EXPECT_EQ(records.back().field("n")->magnitude, stored - 1);

    // Exporting makes room; the loss is then recorded as a Gap in the chain.
    StringSink sink;
    EXPECT_EQ(log.export_pending(sink), stored + 2);
    std::string text = sink.text();
    size_t gap_line = text.find("\"kind\":\"Gap\"");
    ASSERT_NE(gap_line, std::string::npos);
    // Drops happened at clock ticks stored+1 .. stored+3 (one tick per append).
    std::string expected_fields = "\"fields\":{\"dropped\":3,\"first_time_ns\":" + std::to_string(1000000000 + 1500 * (stored + 1))
        + ",\"last_time_ns\":" + std::to_string(1000000000 + 1500 * (stored + 3)) + "}";
    EXPECT_NE(text.find(expected_fields, gap_line), std::string::npos) << text.substr(gap_line, 200);
    status = log.status();
    EXPECT_EQ(status.dropped_unreported, 0u);
    EXPECT_EQ(status.dropped_total, 3u);
    EXPECT_TRUE(log.append(RecordKind::PolicyDenial, 4, { Field::integer("n", 99) }).is_ok());
    EXPECT_EQ(log.status().next_sequence, stored + 3);
}

// A large record can be refused while a smaller one still fits: the smaller one is then
// preceded by the Gap for the large one, without any export in between.
TEST(AuditLog, TheGapPrecedesTheNextAcceptedRecord)
{
    std::string text(max_string_length, 'x');
    StringView long_text(text.data(), text.size());
    const Field large[] = { Field::string("a", long_text), Field::string("b", long_text), Field::string("c", long_text), Field::string("d", long_text),
        Field::string("e", long_text), Field::string("f", long_text), Field::string("g", long_text), Field::string("h", long_text) };
    // Measure the entries, then size the ring so that after three large records 700 bytes are
    // left: too little for a fourth (it needs its entry plus room for a Gap and Checkpoints),
    // enough for a small one and the Gap before it.
    auto probe = make_log(8192, 1000, nullptr);
    ASSERT_NE(probe, nullptr);
    size_t start_entry = probe->log.status().pending_bytes;
    ASSERT_TRUE(probe->log.append(RecordKind::BreakGlass, 1, large, max_fields).is_ok());
    size_t large_entry = probe->log.status().pending_bytes - start_entry;
    ASSERT_GT(large_entry + 2 * (AuditLog::entry_overhead + AuditLog::max_log_record_size), 700u);
    auto owned = make_log(std::max(start_entry + 3 * large_entry + 700, AuditLog::min_storage_size), 1000, nullptr);
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    size_t stored = 0;
    while (log.append(RecordKind::BreakGlass, 1, large, max_fields).is_ok())
        ++stored;
    ASSERT_EQ(stored, 3u);
    ASSERT_EQ(log.status().dropped_unreported, 1u);

    auto sequence = log.append(RecordKind::BreakGlass, 1, { Field::integer("small", 1) });
    ASSERT_TRUE(sequence.is_ok());
    EXPECT_EQ(sequence.value(), stored + 2);
    auto records = pending_records(log);
    ASSERT_EQ(records.size(), stored + 3);
    const auto& gap = records[stored + 1];
    EXPECT_EQ(gap.record.kind, RecordKind::Gap);
    EXPECT_EQ(gap.record.sequence, stored + 1);
    EXPECT_EQ(gap.field("dropped")->magnitude, 1u);
    EXPECT_EQ(records.back().record.kind, RecordKind::BreakGlass);
    EXPECT_EQ(log.status().dropped_unreported, 0u);
}

TEST(AuditLog, WrapsAroundTheRingManyTimes)
{
    auto owned = make_log(AuditLog::min_storage_size + 37, 7); // an odd size: entries straddle the end
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    StringSink sink;
    uint64_t appended = 0;
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(log.append(RecordKind::AuctionClearing, round, { Field::integer("auction", appended), Field::string("item", "some item name") }).is_ok());
            ++appended;
        }
        ASSERT_TRUE(log.verify_pending().is_ok()) << "round " << round;
        (void)log.export_pending(sink);
    }
    auto status = log.status();
    EXPECT_EQ(status.dropped_total, 0u);
    EXPECT_GT(status.next_sequence * 40, status.capacity_bytes * 5); // wrapped several times
    // Sequence numbers 0..next-1 each appear exactly once, in order.
    size_t position = 0;
    for (uint64_t sequence = 0; sequence < status.next_sequence; ++sequence) {
        std::string needle = "{\"seq\":" + std::to_string(sequence) + ",";
        ASSERT_EQ(sink.text().compare(position, needle.size(), needle), 0) << "seq " << sequence;
        position = sink.text().find('\n', position) + 1;
    }
    EXPECT_EQ(position, sink.text().size());
}

TEST(AuditLog, CorruptedStorageFailsVerification)
{
    std::vector<uint8_t> storage(4096);
    auto created = AuditLog::create({ storage.data(), storage.size(), 64, nullptr });
    ASSERT_TRUE(created.is_ok());
    AuditLog log = created.release_value();
    ASSERT_TRUE(log.append(RecordKind::Quarantine, 6, { Field::string("reason", "tampered-later") }).is_ok());
    EXPECT_EQ(log.verify_pending().value_or(0), 2u);
    auto found = std::search(storage.begin(), storage.end(), std::begin("tampered"), std::end("tampered") - 1);
    ASSERT_NE(found, storage.end());
    *found = 'T';
    EXPECT_EQ(log.verify_pending().error(), Error::BadFormat);
}

TEST(AuditLog, MovedLogKeepsWorking)
{
    std::vector<uint8_t> storage(4096);
    auto created = AuditLog::create({ storage.data(), storage.size(), 64, nullptr });
    ASSERT_TRUE(created.is_ok());
    AuditLog first = created.release_value();
    ASSERT_TRUE(first.append(RecordKind::BreakGlass, 1, {}).is_ok());
    AuditLog second(std::move(first));
    EXPECT_EQ(second.append(RecordKind::BreakGlass, 1, {}).value_or(0), 2u);
    EXPECT_EQ(second.verify_pending().value_or(0), 3u);
    // The moved-from log holds nothing and takes nothing.
    EXPECT_EQ(first.append(RecordKind::BreakGlass, 1, {}).error(), Error::QueueFull); // NOLINT(bugprone-use-after-move)
    StringSink sink;
    EXPECT_EQ(first.export_pending(sink), 0u);
    EXPECT_EQ(second.status().next_sequence, 3u);
}

// Several threads append while another exports: every accepted record is stored once, each
// thread's own records keep their order, and the chain over all of them holds.
TEST(AuditLog, ConcurrentAppendsAndExport)
{
    constexpr int thread_count = 4;
    constexpr uint64_t per_thread = 1500;
    auto owned = make_log(1 << 20, 50, nullptr);
    ASSERT_NE(owned, nullptr);
    auto& log = owned->log;
    std::atomic<int> running { thread_count };
    std::atomic<uint64_t> refused { 0 };
    StringSink exported;
    std::thread exporter([&] {
        while (running.load() > 0) {
            (void)log.export_pending(exported);
            std::this_thread::yield();
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            for (uint64_t n = 0; n < per_thread; ++n) {
                if (log.append(RecordKind::LeaseGranted, 100 + t, { Field::integer("n", n) }).is_error())
                    refused.fetch_add(1);
            }
            running.fetch_sub(1);
        });
    }
    for (auto& thread : threads)
        thread.join();
    exporter.join();
    EXPECT_EQ(refused.load(), 0u);
    auto records = pending_records(log); // also re-derives the chain of what is left
    (void)log.export_pending(exported);

    const std::string& text = exported.text();
    std::map<uint64_t, uint64_t> next_n;
    size_t lines = 0;
    for (size_t start = 0; start < text.size(); start = text.find('\n', start) + 1) {
        std::string line = text.substr(start, text.find('\n', start) - start);
        EXPECT_EQ(line.rfind("{\"seq\":" + std::to_string(lines) + ",", 0), 0u) << line;
        ++lines;
        size_t agent_at = line.find("\"agent\":");
        uint64_t agent = std::stoull(line.substr(agent_at + 8));
        if (line.find("\"LeaseGranted\"") == std::string::npos)
            continue;
        uint64_t n = std::stoull(line.substr(line.find("\"n\":") + 4));
        EXPECT_EQ(n, next_n[agent]) << line;
        next_n[agent] = n + 1;
    }
    uint64_t decisions = thread_count * per_thread;
    EXPECT_EQ(lines, 1 + decisions + decisions / 49); // LogStart, decisions, a checkpoint after every 49
    for (int t = 0; t < thread_count; ++t)
        EXPECT_EQ(next_n[100 + t], per_thread);
    EXPECT_EQ(log.status().next_sequence, lines);
}

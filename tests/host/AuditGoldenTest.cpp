#include <cstdio>
#include <gtest/gtest.h>
#include <tests/host/support/AuditTestSupport.h>

using namespace gehri;
using namespace gehri::audit;
using namespace gehri::audit::testing;

namespace {

// Produced by tools/audit-verify/reference.py, an independent Python model of the format, for
// the sequence in make_golden_log(). Any change to the encoding, the chain or the JSON changes
// these bytes: that is a format change and needs a new encoding version (docs/audit.md).
constexpr const char* golden_export = R"GOLDEN({"seq":0,"time_ns":1000000000,"agent":0,"kind":"LogStart","fields":{"capacity":8192,"checkpoint_every":4,"format":1},"prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":"db7aa6cb178ebcdb8a6cb57fd4a63a85082cb844a15d1e6119b19abb13065015"}
{"seq":1,"time_ns":1000001500,"agent":7,"kind":"ProposalOutcome","fields":{"outcome":"accepted","proposal":42,"votes_against":2,"votes_for":5},"prev":"db7aa6cb178ebcdb8a6cb57fd4a63a85082cb844a15d1e6119b19abb13065015","hash":"c5c0a7732296b9856b752c57a7bd79e00f42e1ed92525245edb33e1b7013100f"}
{"seq":2,"time_ns":1000003000,"agent":3,"kind":"AuctionClearing","fields":{"auction":9,"item":"gpu:0","price":-17,"winner":12},"prev":"c5c0a7732296b9856b752c57a7bd79e00f42e1ed92525245edb33e1b7013100f","hash":"fda27c3c902314946f4713b11e32c0f6bbeec01d436939238745dd3d64f43a22"}
{"seq":3,"time_ns":1000004500,"agent":12,"kind":"LeaseGranted","fields":{"duration_ns":5000000,"lease":100,"resource":"cpu/1"},"prev":"fda27c3c902314946f4713b11e32c0f6bbeec01d436939238745dd3d64f43a22","hash":"58dbe639222622e547c9e91c82128aa5178d6df0a113f2143ddebbb658c4777a"}
{"seq":4,"time_ns":1000004500,"agent":0,"kind":"Checkpoint","fields":{"chain":"58dbe639222622e547c9e91c82128aa5178d6df0a113f2143ddebbb658c4777a","records":4},"prev":"58dbe639222622e547c9e91c82128aa5178d6df0a113f2143ddebbb658c4777a","hash":"80e591edc68e05ae43466f79e200f5c4c98d1461b8bfdf1dacad77d0d11d8389"}
{"seq":5,"time_ns":1000006000,"agent":99,"kind":"Quarantine","fields":{"reason":"bytes \u0000\u0001\"\\\u00ff end"},"prev":"80e591edc68e05ae43466f79e200f5c4c98d1461b8bfdf1dacad77d0d11d8389","hash":"926e5da06e74619bc013b632ec74cc487a607ce7547e94f126004edbef9903fc"}
{"seq":6,"time_ns":1000007500,"agent":5,"kind":"PolicyDenial","fields":{"max":18446744073709551615,"min":-9223372036854775808,"policy":"net.egress"},"prev":"926e5da06e74619bc013b632ec74cc487a607ce7547e94f126004edbef9903fc","hash":"158abb3eb3cde521be1b3946b3daf5b8c54932e885a27fd2fd2019bcdd61a97c"}
{"seq":7,"time_ns":1000009000,"agent":0,"kind":"BreakGlass","fields":{},"prev":"158abb3eb3cde521be1b3946b3daf5b8c54932e885a27fd2fd2019bcdd61a97c","hash":"471aff50af4ff944b88a8c98c900be74728ff4e4c148fa96270487791c7de87d"}
{"seq":8,"time_ns":1000009000,"agent":0,"kind":"Checkpoint","fields":{"chain":"471aff50af4ff944b88a8c98c900be74728ff4e4c148fa96270487791c7de87d","records":8},"prev":"471aff50af4ff944b88a8c98c900be74728ff4e4c148fa96270487791c7de87d","hash":"49fdd7773f9e30baf2d1b86238c62faeeee20ab2305d681c7702cb3bd96abbb7"}
{"seq":9,"time_ns":1000010500,"agent":4,"kind":"AgentFault","fields":{"address":3735928559,"vector":14},"prev":"49fdd7773f9e30baf2d1b86238c62faeeee20ab2305d681c7702cb3bd96abbb7","hash":"654f1b79a727f6aa1fe2876556a60d008a4e4bcedc12a8743612f685d8f7e43d"}
)GOLDEN";

constexpr const char* golden_head = "654f1b79a727f6aa1fe2876556a60d008a4e4bcedc12a8743612f685d8f7e43d";

std::string hex_of(const Sha256Digest& digest)
{
    char text[sha256_hex_length];
    to_hex(digest, text);
    return std::string(text, sizeof(text));
}

} // namespace

TEST(AuditGolden, HeadHashOfTheFixedSequence)
{
    auto owned = make_golden_log();
    ASSERT_NE(owned, nullptr);
    auto status = owned->log.status();
    EXPECT_EQ(status.next_sequence, 10u); // LogStart, 7 decisions, 2 checkpoints
    EXPECT_EQ(hex_of(status.head), golden_head);
}

TEST(AuditGolden, ExportIsByteForByteStable)
{
    auto owned = make_golden_log();
    ASSERT_NE(owned, nullptr);
    StringSink sink;
    EXPECT_EQ(owned->log.export_pending(sink), 10u);
    EXPECT_EQ(sink.text(), golden_export);
}

TEST(AuditGolden, CanonicalEncodingOfOneRecord)
{
    // seq 1 of the golden log, byte for byte (reference.py prints it).
    const Field fields[] = { Field::string("outcome", "accepted"), Field::integer("proposal", 42), Field::integer("votes_against", 2), Field::integer("votes_for", 5) };
    RecordView record { 1, 1000001500, 7, RecordKind::ProposalOutcome, fields, 4 };
    uint8_t out[max_encoded_record_size];
    auto length = encode_record(record, out, sizeof(out));
    ASSERT_TRUE(length.is_ok());
    std::string hex;
    for (size_t i = 0; i < length.value(); ++i) {
        char byte[3];
        std::snprintf(byte, sizeof(byte), "%02x", out[i]);
        hex += byte;
    }
    EXPECT_EQ(hex, "0101dc9febdc03070304076f7574636f6d65030861636365707465640870726f706f73616c012a0d766f7465735f616761696e7374010209766f7465735f666f720105");
}

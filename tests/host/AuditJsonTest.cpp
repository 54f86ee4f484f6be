#include <gtest/gtest.h>
#include <kernel/audit/Json.h>
#include <tests/host/support/AuditTestSupport.h>
#include <tools/audit-verify/JsonReader.h>
#include <tools/audit-verify/Verifier.h>

using namespace gehri;
using namespace gehri::audit;
using namespace gehri::audit::testing;

namespace {

std::string json_of(const std::string& bytes)
{
    StringSink sink;
    write_json_string(sink, StringView(bytes.data(), bytes.size()));
    return sink.text();
}

json::Value parse_ok(const std::string& text)
{
    json::Value value;
    json::ParseError error;
    EXPECT_TRUE(json::parse_object(text, value, error)) << text << ": " << error.message;
    return value;
}

json::ParseError parse_error(const std::string& text)
{
    json::Value value;
    json::ParseError error;
    EXPECT_FALSE(json::parse_object(text, value, error)) << text;
    return error;
}

} // namespace

TEST(AuditJson, EscapesExactlyWhatItMust)
{
    EXPECT_EQ(json_of("plain text 123 {}[]:,"), "\"plain text 123 {}[]:,\"");
    EXPECT_EQ(json_of("say \"hi\" \\o/"), "\"say \\\"hi\\\" \\\\o/\"");
    EXPECT_EQ(json_of(std::string("\n\t\r\0\x1f\x7f", 6)), "\"\\u000a\\u0009\\u000d\\u0000\\u001f\\u007f\"");
    EXPECT_EQ(json_of("\xc3\xa9\xff\x80"), "\"\\u00c3\\u00a9\\u00ff\\u0080\"");
    EXPECT_EQ(json_of(""), "\"\"");
}

TEST(AuditJson, EveryByteSurvivesTheRoundTrip)
{
    std::string all;
    for (int byte = 0; byte < 256; ++byte)
        all += static_cast<char>(byte);
    std::string json = json_of(all);
    for (char c : json)
        EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "non-ASCII output byte " << int(static_cast<unsigned char>(c));
    auto value = parse_ok("{\"s\":" + json + "}");
    ASSERT_NE(value.member("s"), nullptr);
    EXPECT_EQ(value.member("s")->text, all);
}

TEST(AuditJson, RecordsWithEveryByteVerify)
{
    // 256 byte values spread over four 64-byte string fields of one record.
    auto owned = make_log(8192, 64);
    ASSERT_NE(owned, nullptr);
    std::string bytes[4];
    for (int byte = 0; byte < 256; ++byte)
        bytes[byte / 64] += static_cast<char>(byte);
    auto view = [](const std::string& s) { return StringView(s.data(), s.size()); };
    ASSERT_TRUE(owned->log.append(RecordKind::Quarantine, 1, { Field::string("a", view(bytes[0])), Field::string("b", view(bytes[1])), Field::string("c", view(bytes[2])), Field::string("d", view(bytes[3])) }).is_ok());
    StringSink sink;
    (void)owned->log.export_pending(sink);
    EXPECT_LE(sink.text().size() / 2, max_json_record_length);
    auto report = verify::verify_log(sink.text());
    EXPECT_TRUE(report.intact()) << verify::describe(report, "bytes");
    EXPECT_EQ(report.records, 2u);
}

TEST(AuditJson, LongestRecordFitsTheLineBound)
{
    auto owned = make_log(8192, 64);
    ASSERT_NE(owned, nullptr);
    std::string worst(max_string_length, '\x01'); // every byte needs a six-character escape
    StringView text(worst.data(), worst.size());
    const Field fields[] = { Field::string("aaaaaaaaaaaaaaa1", text), Field::string("aaaaaaaaaaaaaaa2", text), Field::string("aaaaaaaaaaaaaaa3", text), Field::string("aaaaaaaaaaaaaaa4", text),
        Field::string("aaaaaaaaaaaaaaa5", text), Field::string("aaaaaaaaaaaaaaa6", text), Field::string("aaaaaaaaaaaaaaa7", text), Field::string("aaaaaaaaaaaaaaa8", text) };
    ASSERT_TRUE(owned->log.append(RecordKind::ProposalOutcome, UINT64_MAX, fields, max_fields).is_ok());
    StringSink sink;
    (void)owned->log.export_pending(sink, {}, 1); // the LogStart
    sink.clear();
    (void)owned->log.export_pending(sink);
    EXPECT_LE(sink.text().size() - 1, max_json_record_length);
    EXPECT_GT(sink.text().size(), 8 * 6 * max_string_length);
}

TEST(AuditJson, ReaderAcceptsStandardEscapes)
{
    auto value = parse_ok(" { \"a\" : \"x\\n\\t\\r\\b\\f\\/\\\"\\\\\\u0041\\u00E9\" , \"n\" : -12 , \"o\" : { } } ");
    EXPECT_EQ(value.member("a")->text, "x\n\t\r\b\f/\"\\A\xe9");
    EXPECT_TRUE(value.member("n")->negative);
    EXPECT_EQ(value.member("n")->magnitude, 12u);
    EXPECT_EQ(value.member("o")->type, json::Value::Type::Object);
    EXPECT_EQ(parse_ok("{\"max\":18446744073709551615}").member("max")->magnitude, UINT64_MAX);
    EXPECT_EQ(parse_ok("{\"raw\":\"\xc3\xa9\"}").member("raw")->text, "\xc3\xa9"); // raw bytes pass through
}

TEST(AuditJson, ReaderRefusesWhatAuditLinesNeverContain)
{
    EXPECT_EQ(parse_error("{\"a\":\"\\u0100\"}").message, "\\u escape above \\u00ff: audit strings are bytes");
    EXPECT_FALSE(parse_error("{\"a\":1.5}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":1e3}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":true}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":null}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":[1]}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":01}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":18446744073709551616}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":\"tab\there\"}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":\"\\x41\"}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":1,\"a\":2}").truncated);
    EXPECT_FALSE(parse_error("{\"a\":1} trailing").truncated);
    EXPECT_FALSE(parse_error("[]").truncated);
    EXPECT_FALSE(parse_error("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}").truncated); // too deep
    EXPECT_EQ(parse_error("{\"a\":1,\"b\":2}x").column, 14u);
}

TEST(AuditJson, ReaderKnowsWhenALineWasCutShort)
{
    std::string line = "{\"seq\":12,\"kind\":\"Gap\",\"fields\":{\"s\":\"a\\u00ff\"},\"x\":-3}";
    for (size_t length = 0; length < line.size(); ++length) {
        auto error = parse_error(line.substr(0, length));
        EXPECT_TRUE(error.truncated || length == 0) << length << ": " << error.message;
    }
    parse_ok(line);
}

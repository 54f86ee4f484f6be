#include <gtest/gtest.h>
#include <kernel/audit/Encoding.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::audit;

namespace {

std::vector<uint8_t> encode(const RecordView& record)
{
    std::vector<uint8_t> out(max_encoded_record_size);
    auto length = encode_record(record, out.data(), out.size());
    EXPECT_TRUE(length.is_ok());
    out.resize(length.is_ok() ? length.value() : 0);
    return out;
}

RecordView make_record(const Field* fields, size_t count, RecordKind kind = RecordKind::LeaseGranted)
{
    return { 5, 77, 3, kind, fields, count };
}

} // namespace

TEST(AuditEncoding, MinimalRecordBytes)
{
    RecordView record { 0, 0, 0, RecordKind::LogStart, nullptr, 0 };
    EXPECT_EQ(encode(record), (std::vector<uint8_t> { 1, 0, 0, 0, 0, 0 }));
}

TEST(AuditEncoding, VarintsAndFieldTags)
{
    // seq 300 = ac 02; time 2^64-1 = ten bytes; agent 127 = 7f; kind 9; one field of each tag.
    const Field fields[] = { Field::integer("a", 128), Field::integer("b", -1), Field::string("c", "hi") };
    RecordView record { 300, UINT64_MAX, 127, RecordKind::AgentFault, fields, 3 };
    std::vector<uint8_t> expected = { 1, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x7f, 9, 3,
        1, 'a', 1, 0x80, 0x01,
        1, 'b', 2, 0x01,
        1, 'c', 3, 2, 'h', 'i' };
    EXPECT_EQ(encode(record), expected);
}

TEST(AuditEncoding, ExtremeIntegers)
{
    const Field fields[] = { Field::integer("max", UINT64_MAX), Field::integer("min", INT64_MIN) };
    EXPECT_FALSE(fields[1].negative == false);
    EXPECT_EQ(fields[1].magnitude, uint64_t(1) << 63);
    auto bytes = encode(make_record(fields, 2));
    Field decoded_fields[max_fields];
    RecordView decoded;
    ASSERT_TRUE(decode_record(bytes.data(), bytes.size(), decoded, decoded_fields).is_ok());
    EXPECT_EQ(decoded.field_count, 2u);
    EXPECT_EQ(decoded_fields[0], fields[0]);
    EXPECT_EQ(decoded_fields[1], fields[1]);
}

TEST(AuditEncoding, DecodeIsTheInverse)
{
    const char binary[] = { 0, 1, '"', '\\', char(0xff), 'x' };
    const Field fields[] = { Field::integer("count", 3u), Field::string("data", StringView(binary, sizeof(binary))), Field::integer("delta", -40), Field::string("empty", "") };
    RecordView record { 123456789, 987654321012, 42, RecordKind::PolicyDenial, fields, 4 };
    auto bytes = encode(record);
    Field decoded_fields[max_fields];
    RecordView decoded;
    ASSERT_TRUE(decode_record(bytes.data(), bytes.size(), decoded, decoded_fields).is_ok());
    EXPECT_EQ(decoded.sequence, record.sequence);
    EXPECT_EQ(decoded.time_ns, record.time_ns);
    EXPECT_EQ(decoded.agent, record.agent);
    EXPECT_EQ(decoded.kind, record.kind);
    ASSERT_EQ(decoded.field_count, 4u);
    for (size_t i = 0; i < 4; ++i)
        EXPECT_EQ(decoded_fields[i], fields[i]) << i;
}

TEST(AuditEncoding, DecodeRejectsWhatEncodeNeverProduces)
{
    Field fields[max_fields];
    RecordView out;
    auto rejects = [&](std::vector<uint8_t> bytes) { return decode_record(bytes.data(), bytes.size(), out, fields).error() == Error::BadFormat; };
    auto accepts = [&](std::vector<uint8_t> bytes) { return decode_record(bytes.data(), bytes.size(), out, fields).is_ok(); };
    EXPECT_TRUE(accepts({ 1, 0, 0, 0, 0, 0 }));
    EXPECT_TRUE(rejects({}));
    EXPECT_TRUE(rejects({ 2, 0, 0, 0, 0, 0 }));              // unknown version
    EXPECT_TRUE(rejects({ 1, 0x80, 0x00, 0, 0, 0, 0 }));     // non-shortest varint
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, record_kind_count, 0 })); // unknown kind
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 0, 0 }));           // trailing byte
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 1 }));              // field missing
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 9 }));              // too many fields
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 1, 1, 'a', 4, 0 })); // unknown tag
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 1, 1, 'A', 1, 0 })); // bad key character
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 1, 1, 'a', 2, 0 })); // "-0"
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 2, 1, 'b', 1, 0, 1, 'a', 1, 0 })); // keys out of order
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 2, 1, 'a', 1, 0, 1, 'a', 1, 0 })); // duplicate key
    EXPECT_TRUE(rejects({ 1, 0, 0, 0, 0, 1, 1, 'a', 3, 5, 'x' }));          // string past the end
    // An eleventh varint byte / a 64th-bit overflow.
    EXPECT_TRUE(rejects({ 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0 }));
}

TEST(AuditEncoding, FieldValidation)
{
    EXPECT_TRUE(validate_field(Field::integer("ok_key_123", 1)).is_ok());
    EXPECT_TRUE(validate_field(Field::integer("sixteen_chars_ok", 1)).is_ok());
    EXPECT_EQ(validate_field(Field::integer("seventeen_chars_x", 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(validate_field(Field::integer("", 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(validate_field(Field::integer("Upper", 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(validate_field(Field::integer("has space", 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(validate_field(Field::integer("dot.ted", 1)).error(), Error::InvalidArgument);
    std::string longest(max_string_length, 'x');
    std::string too_long(max_string_length + 1, 'x');
    EXPECT_TRUE(validate_field(Field::string("s", StringView(longest.data(), longest.size()))).is_ok());
    EXPECT_EQ(validate_field(Field::string("s", StringView(too_long.data(), too_long.size()))).error(), Error::InvalidArgument);
    Field negative_zero = Field::integer("z", 0);
    negative_zero.negative = true;
    EXPECT_EQ(validate_field(negative_zero).error(), Error::InvalidArgument);
    Field below_min = Field::integer("z", INT64_MIN);
    below_min.magnitude += 1;
    EXPECT_EQ(validate_field(below_min).error(), Error::InvalidArgument);
}

TEST(AuditEncoding, FieldsAreSortedAndUnique)
{
    Field fields[] = { Field::integer("zeta", 1), Field::integer("alpha", 2), Field::integer("al", 3), Field::integer("beta_1", 4), Field::integer("beta", 5) };
    EXPECT_EQ(validate_fields(fields, 5).error(), Error::InvalidArgument);
    sort_fields(fields, 5);
    EXPECT_TRUE(validate_fields(fields, 5).is_ok());
    const char* expected[] = { "al", "alpha", "beta", "beta_1", "zeta" };
    for (size_t i = 0; i < 5; ++i)
        EXPECT_EQ(std::string(fields[i].key.characters(), fields[i].key.length()), expected[i]);

    Field duplicates[] = { Field::integer("a", 1), Field::integer("a", 2) };
    EXPECT_EQ(validate_fields(duplicates, 2).error(), Error::InvalidArgument);
    Field too_many[max_fields + 1];
    const char* keys[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
    for (size_t i = 0; i <= max_fields; ++i)
        too_many[i] = Field::integer(keys[i], i);
    EXPECT_TRUE(validate_fields(too_many, max_fields).is_ok());
    EXPECT_EQ(validate_fields(too_many, max_fields + 1).error(), Error::InvalidArgument);
}

TEST(AuditEncoding, LargestRecordFitsTheBound)
{
    std::string text(max_string_length, '\xff');
    const char* keys[] = { "aaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaa4", "aaaaaaaaaaaaaaa5", "aaaaaaaaaaaaaaa6", "aaaaaaaaaaaaaaa7", "aaaaaaaaaaaaaaa8" };
    Field fields[max_fields];
    for (size_t i = 0; i < max_fields; ++i)
        fields[i] = Field::string(keys[i], StringView(text.data(), text.size()));
    RecordView record { UINT64_MAX, UINT64_MAX, UINT64_MAX, RecordKind::PolicyDenial, fields, max_fields };
    auto size = encoded_record_size(record);
    ASSERT_TRUE(size.is_ok());
    EXPECT_LE(size.value(), max_encoded_record_size);
    std::vector<uint8_t> out(size.value() - 1);
    EXPECT_EQ(encode_record(record, out.data(), out.size()).error(), Error::OutOfRange);
}

TEST(AuditEncoding, UnknownKindIsRefused)
{
    RecordView record { 0, 0, 0, static_cast<RecordKind>(record_kind_count), nullptr, 0 };
    uint8_t out[16];
    EXPECT_EQ(encode_record(record, out, sizeof(out)).error(), Error::InvalidArgument);
}

TEST(AuditEncoding, KindNamesRoundTrip)
{
    for (uint16_t value = 0; value < record_kind_count; ++value) {
        auto kind = static_cast<RecordKind>(value);
        StringView name = record_kind_name(kind);
        EXPECT_FALSE(name.is_empty());
        RecordKind parsed;
        ASSERT_TRUE(parse_record_kind(name, parsed));
        EXPECT_EQ(parsed, kind);
    }
    RecordKind parsed;
    EXPECT_FALSE(parse_record_kind("leasegranted", parsed));
    EXPECT_FALSE(parse_record_kind("", parsed));
}

TEST(AuditEncoding, ChainHashCoversPreviousAndRecord)
{
    const uint8_t record[] = { 1, 0, 0, 0, 0, 0 };
    Sha256 reference;
    reference.update(genesis_hash.bytes, sizeof(genesis_hash.bytes));
    reference.update(record, sizeof(record));
    Sha256Digest first = chain_hash(genesis_hash, record, sizeof(record));
    EXPECT_EQ(first, reference.finalize());
    EXPECT_NE(chain_hash(first, record, sizeof(record)), first);
}

#include <kernel/audit/Encoding.h>

namespace gehri::audit {

namespace {

class Writer {
public:
    Writer(uint8_t* out, size_t capacity)
        : m_out(out)
        , m_capacity(capacity)
    {
    }

    void byte(uint8_t value)
    {
        if (m_length < m_capacity)
            m_out[m_length] = value;
        ++m_length;
    }
    void varint(uint64_t value)
    {
        while (value >= 0x80) {
            byte(static_cast<uint8_t>(value | 0x80));
            value >>= 7;
        }
        byte(static_cast<uint8_t>(value));
    }
    void bytes(StringView data)
    {
        varint(data.length());
        for (char c : data)
            byte(static_cast<uint8_t>(c));
    }
    bool overflowed() const { return m_length > m_capacity; }
    size_t length() const { return m_length; }

private:
    uint8_t* m_out;
    size_t m_capacity;
    size_t m_length { 0 };
};

class Reader {
public:
    Reader(const uint8_t* bytes, size_t length)
        : m_bytes(bytes)
        , m_length(length)
    {
    }

    bool byte(uint8_t& out)
    {
        if (m_position >= m_length)
            return false;
        out = m_bytes[m_position++];
        return true;
    }
    // Only the shortest form is accepted: anything else would give one record two encodings.
    bool varint(uint64_t& out)
    {
        out = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            uint8_t part;
            if (!byte(part))
                return false;
            if (shift == 63 && part > 1)
                return false;
            out |= static_cast<uint64_t>(part & 0x7f) << shift;
            if ((part & 0x80) == 0)
                return part != 0 || shift == 0;
        }
        return false;
    }
    bool bytes(size_t max_length, StringView& out)
    {
        uint64_t length;
        if (!varint(length) || length > max_length || length > m_length - m_position)
            return false;
        out = { reinterpret_cast<const char*>(m_bytes + m_position), static_cast<size_t>(length) };
        m_position += length;
        return true;
    }
    bool at_end() const { return m_position == m_length; }

private:
    const uint8_t* m_bytes;
    size_t m_length;
    size_t m_position { 0 };
};

constexpr uint64_t most_negative_magnitude = uint64_t(1) << 63;

bool decode_field(Reader& reader, Field& field)
{
    uint8_t tag;
    if (!reader.bytes(max_key_length, field.key) || !reader.byte(tag))
        return false;
    switch (static_cast<FieldTag>(tag)) {
    case FieldTag::NonNegative:
        field.type = Field::Type::Integer;
        return reader.varint(field.magnitude);
    case FieldTag::Negative:
        field.type = Field::Type::Integer;
        field.negative = true;
        return reader.varint(field.magnitude);
    case FieldTag::String:
        field.type = Field::Type::String;
        return reader.bytes(max_string_length, field.text);
    }
    return false;
}

} // namespace

Sha256Digest chain_hash(const Sha256Digest& previous, const uint8_t* encoded, size_t length)
{
    Sha256 hasher;
    hasher.update(previous.bytes, sizeof(previous.bytes));
    hasher.update(encoded, length);
    return hasher.finalize();
}

bool is_valid_key(StringView key)
{
    if (key.is_empty() || key.length() > max_key_length)
        return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

Result<void> validate_field(const Field& field)
{
    if (!is_valid_key(field.key))
        return Error::InvalidArgument;
    switch (field.type) {
    case Field::Type::Integer:
        if (field.negative && (field.magnitude == 0 || field.magnitude > most_negative_magnitude))
            return Error::InvalidArgument;
        if (!field.text.is_empty())
            return Error::InvalidArgument;
        return {};
    case Field::Type::String:
        if (field.negative || field.magnitude != 0 || field.text.length() > max_string_length)
            return Error::InvalidArgument;
        return {};
    }
    return Error::InvalidArgument;
}

bool key_less(StringView a, StringView b)
{
    size_t common = a.length() < b.length() ? a.length() : b.length();
    for (size_t i = 0; i < common; ++i) {
        auto left = static_cast<uint8_t>(a[i]);
        auto right = static_cast<uint8_t>(b[i]);
        if (left != right)
            return left < right;
    }
    return a.length() < b.length();
}

Result<void> validate_fields(const Field* fields, size_t count)
{
    if (count > max_fields)
        return Error::InvalidArgument;
    for (size_t i = 0; i < count; ++i) {
        TRY(validate_field(fields[i]));
        if (i > 0 && !key_less(fields[i - 1].key, fields[i].key))
            return Error::InvalidArgument;
    }
    return {};
}

void sort_fields(Field* fields, size_t count)
{
    // At most max_fields entries: insertion sort is the simplest correct choice.
    for (size_t i = 1; i < count; ++i) {
        Field moving = fields[i];
        size_t j = i;
        for (; j > 0 && key_less(moving.key, fields[j - 1].key); --j)
            fields[j] = fields[j - 1];
        fields[j] = moving;
    }
}

namespace {

Result<void> encode_into(const RecordView& record, Writer& writer)
{
    if (!is_known_kind(static_cast<uint16_t>(record.kind)))
        return Error::InvalidArgument;
    TRY(validate_fields(record.fields, record.field_count));

    writer.byte(encoding_version);
    writer.varint(record.sequence);
    writer.varint(record.time_ns);
    writer.varint(record.agent);
    writer.varint(static_cast<uint16_t>(record.kind));
    writer.varint(record.field_count);
    for (size_t i = 0; i < record.field_count; ++i) {
        const Field& field = record.fields[i];
        writer.bytes(field.key);
        if (field.type == Field::Type::String) {
            writer.byte(static_cast<uint8_t>(FieldTag::String));
            writer.bytes(field.text);
        } else {
            writer.byte(static_cast<uint8_t>(field.negative ? FieldTag::Negative : FieldTag::NonNegative));
            writer.varint(field.magnitude);
        }
    }
    return {};
}

} // namespace

Result<size_t> encoded_record_size(const RecordView& record)
{
    Writer counter(nullptr, 0);
    TRY(encode_into(record, counter));
    return counter.length();
}

Result<size_t> encode_record(const RecordView& record, uint8_t* out, size_t capacity)
{
    Writer writer(out, capacity);
    TRY(encode_into(record, writer));
    if (writer.overflowed())
        return Error::OutOfRange;
    return writer.length();
}

Result<void> decode_record(const uint8_t* bytes, size_t length, RecordView& out, Field (&fields)[max_fields])
{
    Reader reader(bytes, length);
    uint8_t version;
    uint64_t kind;
    uint64_t field_count;
    if (!reader.byte(version) || version != encoding_version)
        return Error::BadFormat;
    if (!reader.varint(out.sequence) || !reader.varint(out.time_ns) || !reader.varint(out.agent))
        return Error::BadFormat;
    if (!reader.varint(kind) || !is_known_kind(kind) || !reader.varint(field_count) || field_count > max_fields)
        return Error::BadFormat;
    for (size_t i = 0; i < field_count; ++i) {
        fields[i] = Field {};
        if (!decode_field(reader, fields[i]))
            return Error::BadFormat;
    }
    if (!reader.at_end() || validate_fields(fields, field_count).is_error())
        return Error::BadFormat;
    out.kind = static_cast<RecordKind>(kind);
    out.fields = fields;
    out.field_count = field_count;
    return {};
}

} // namespace gehri::audit

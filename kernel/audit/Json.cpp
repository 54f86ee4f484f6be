#include <kernel/audit/Json.h>

namespace gehri::audit {

namespace {

void write_digest(FormatSink& sink, const Sha256Digest& digest)
{
    char hex[sha256_hex_length];
    to_hex(digest, hex);
    sink.write("\"");
    sink.write({ hex, sizeof(hex) });
    sink.write("\"");
}

void write_field_value(FormatSink& sink, const Field& field)
{
    if (field.type == Field::Type::String) {
        write_json_string(sink, field.text);
        return;
    }
    if (field.negative)
        sink.write("-");
    format_to(sink, "{}", field.magnitude);
}

} // namespace

void write_json_string(FormatSink& sink, StringView bytes)
{
    constexpr char digits[] = "0123456789abcdef";
    sink.write("\"");
    size_t run_start = 0;
    for (size_t i = 0; i < bytes.length(); ++i) {
        auto byte = static_cast<uint8_t>(bytes[i]);
        bool plain = byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\';
        if (plain)
            continue;
        sink.write(bytes.substring(run_start, i - run_start));
        if (byte == '"' || byte == '\\') {
            char escape[2] = { '\\', static_cast<char>(byte) };
            sink.write({ escape, 2 });
        } else {
            char escape[6] = { '\\', 'u', '0', '0', digits[byte >> 4], digits[byte & 0xf] };
            sink.write({ escape, 6 });
        }
        run_start = i + 1;
    }
    sink.write(bytes.substring(run_start, bytes.length() - run_start));
    sink.write("\"");
}

void write_json_record(FormatSink& sink, const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash)
{
    format_to(sink, "{{\"seq\":{},\"time_ns\":{},\"agent\":{},\"kind\":\"{}\",\"fields\":{{",
        record.sequence, record.time_ns, record.agent, record_kind_name(record.kind));
    for (size_t i = 0; i < record.field_count; ++i) {
        if (i > 0)
            sink.write(",");
        write_json_string(sink, record.fields[i].key);
        sink.write(":");
        write_field_value(sink, record.fields[i]);
    }
    sink.write("},\"prev\":");
    write_digest(sink, previous);
    sink.write(",\"hash\":");
    write_digest(sink, hash);
    sink.write("}");
}

} // namespace gehri::audit

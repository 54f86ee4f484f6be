#include <kernel/lib/Format.h>

namespace gehri {

namespace {

size_t parse_spec(StringView format_string, size_t position, FormatSpec& spec)
{
    // position is just past ':'; returns the index of the closing '}' (or length).
    size_t i = position;
    if (i < format_string.length() && format_string[i] == '<') {
        spec.left_align = true;
        ++i;
    }
    if (i < format_string.length() && format_string[i] == '#') {
        spec.alternate = true;
        ++i;
    }
    if (i < format_string.length() && format_string[i] == '0') {
        spec.zero_pad = true;
        ++i;
    }
    while (i < format_string.length() && format_string[i] >= '0' && format_string[i] <= '9') {
        spec.width = spec.width * 10 + static_cast<uint32_t>(format_string[i] - '0');
        ++i;
    }
    if (i < format_string.length() && format_string[i] != '}')
        spec.type = format_string[i++];
    while (i < format_string.length() && format_string[i] != '}')
        ++i;
    return i;
}

void write_padded(FormatSink& sink, StringView text, const FormatSpec& spec, StringView prefix = {})
{
    size_t total = text.length() + prefix.length();
    size_t padding = spec.width > total ? spec.width - total : 0;
    char pad_char = spec.zero_pad && !spec.left_align ? '0' : ' ';
    if (pad_char == '0')
        sink.write(prefix);
    if (!spec.left_align) {
        for (size_t i = 0; i < padding; ++i)
            sink.write({ &pad_char, 1 });
    }
    if (pad_char != '0')
        sink.write(prefix);
    sink.write(text);
    if (spec.left_align) {
        for (size_t i = 0; i < padding; ++i)
            sink.write({ " ", 1 });
    }
}

void write_unsigned(FormatSink& sink, uint64_t value, const FormatSpec& spec, bool negative)
{
    unsigned base = 10;
    const char* digits = "0123456789abcdef";
    StringView prefix;
    switch (spec.type) {
    case 'x': base = 16; prefix = spec.alternate ? "0x" : ""; break;
    case 'X': base = 16; digits = "0123456789ABCDEF"; prefix = spec.alternate ? "0x" : ""; break;
    case 'b': base = 2; prefix = spec.alternate ? "0b" : ""; break;
    case 'p': base = 16; prefix = "0x"; break;
    default: break;
    }
    char buffer[66];
    size_t length = 0;
    do {
        buffer[sizeof(buffer) - 1 - length++] = digits[value % base];
        value /= base;
    } while (value != 0);
    if (negative)
        prefix = "-";
    write_padded(sink, { buffer + sizeof(buffer) - length, length }, spec, prefix);
}

void write_argument(FormatSink& sink, const FormatArgument& argument, const FormatSpec& spec)
{
    using Kind = FormatArgument::Kind;
    switch (argument.kind) {
    case Kind::Signed:
        if (argument.signed_value < 0 && spec.type != 'x' && spec.type != 'X' && spec.type != 'b')
            write_unsigned(sink, 0 - static_cast<uint64_t>(argument.signed_value), spec, true);
        else
            write_unsigned(sink, static_cast<uint64_t>(argument.signed_value), spec, false);
        return;
    case Kind::Unsigned:
        if (spec.type == 'c') {
            char c = static_cast<char>(argument.unsigned_value);
            write_padded(sink, { &c, 1 }, spec);
            return;
        }
        write_unsigned(sink, argument.unsigned_value, spec, false);
        return;
    case Kind::Bool:
        write_padded(sink, argument.unsigned_value ? "true" : "false", spec);
        return;
    case Kind::Char: {
        if (spec.type == 'x' || spec.type == 'd' || spec.type == 'X') {
            write_unsigned(sink, argument.unsigned_value, spec, false);
            return;
        }
        char c = static_cast<char>(argument.unsigned_value);
        write_padded(sink, { &c, 1 }, spec);
        return;
    }
    case Kind::CString:
    case Kind::String:
        write_padded(sink, argument.string, spec);
        return;
    case Kind::Pointer: {
        FormatSpec pointer_spec = spec;
        pointer_spec.type = 'p';
        if (pointer_spec.width == 0) {
            pointer_spec.width = 18;
            pointer_spec.zero_pad = true;
        }
        write_unsigned(sink, reinterpret_cast<uintptr_t>(argument.pointer), pointer_spec, false);
        return;
    }
    }
}

} // namespace

void vformat(FormatSink& sink, StringView format_string, const FormatArgument* arguments, size_t argument_count)
{
    size_t next_argument = 0;
    size_t literal_start = 0;
    size_t i = 0;
    auto flush_literal = [&](size_t end) {
        if (end > literal_start)
            sink.write(format_string.substring(literal_start, end - literal_start));
    };
    while (i < format_string.length()) {
        char c = format_string[i];
        if ((c == '{' || c == '}') && i + 1 < format_string.length() && format_string[i + 1] == c) {
            flush_literal(i + 1);
            i += 2;
            literal_start = i;
            continue;
        }
        if (c != '{') {
            ++i;
            continue;
        }
        flush_literal(i);
        FormatSpec spec;
        size_t close = i + 1;
        if (close < format_string.length() && format_string[close] == ':')
            close = parse_spec(format_string, close + 1, spec);
        while (close < format_string.length() && format_string[close] != '}')
            ++close;
        if (next_argument < argument_count)
            write_argument(sink, arguments[next_argument++], spec);
        else
            sink.write("{?}");
        i = close + 1;
        literal_start = i;
    }
    flush_literal(format_string.length());
}

void BufferSink::write(StringView text)
{
    for (char c : text) {
        if (m_length + 1 >= m_capacity) {
            m_truncated = true;
            break; // still terminate what fits
        }
        m_buffer[m_length++] = c;
    }
    if (m_capacity > 0)
        m_buffer[m_length] = '\0';
}

} // namespace gehri

#include <kernel/lib/StringView.h>
#include <kernel/shell/UrgentLine.h>

namespace gehri::shell {

namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t'; }

StringView trimmed(const char* text, size_t length)
{
    size_t start = 0;
    while (start < length && is_space(text[start]))
        ++start;
    while (length > start && is_space(text[length - 1]))
        --length;
    return { text + start, length - start };
}

} // namespace

UrgentLineWatcher::Urgent UrgentLineWatcher::feed(uint8_t byte)
{
    if (byte == '\r' || byte == '\n') {
        StringView line = trimmed(m_line, m_length);
        m_length = 0;
        return line == "freeze" || line == "kill-all" ? Urgent::Freeze : Urgent::None;
    }
    if ((byte == 0x7f || byte == 0x08) && m_length > 0)
        --m_length;
    else if (byte >= 0x20 && byte < 0x7f && m_length < max_line)
        m_line[m_length++] = static_cast<char>(byte);
    return Urgent::None;
}

} // namespace gehri::shell

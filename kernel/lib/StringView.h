#pragma once

#include <stddef.h>

namespace gehri {

// A non-owning view of characters; not necessarily NUL-terminated.
class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* characters, size_t length)
        : m_characters(characters)
        , m_length(length)
    {
    }
    constexpr StringView(const char* c_string)
        : m_characters(c_string)
        , m_length(c_string ? constexpr_strlen(c_string) : 0)
    {
    }

    constexpr const char* characters() const { return m_characters; }
    constexpr size_t length() const { return m_length; }
    constexpr bool is_empty() const { return m_length == 0; }
    constexpr char operator[](size_t index) const { return m_characters[index]; }
    constexpr const char* begin() const { return m_characters; }
    constexpr const char* end() const { return m_characters + m_length; }

    constexpr StringView substring(size_t start, size_t length) const
    {
        if (start > m_length)
            return {};
        if (length > m_length - start)
            length = m_length - start;
        return { m_characters + start, length };
    }
    constexpr StringView substring(size_t start) const { return substring(start, m_length); }

    constexpr bool starts_with(StringView prefix) const
    {
        return prefix.m_length <= m_length && substring(0, prefix.m_length) == prefix;
    }

    static constexpr size_t npos = static_cast<size_t>(-1);
    constexpr size_t find(char needle, size_t from = 0) const
    {
        for (size_t i = from; i < m_length; ++i) {
            if (m_characters[i] == needle)
                return i;
        }
        return npos;
    }

    constexpr bool contains(StringView needle) const
    {
        for (size_t i = 0; i + needle.m_length <= m_length; ++i) {
            if (substring(i, needle.m_length) == needle)
                return true;
        }
        return false;
    }

    // Without the spaces, tabs and carriage returns at either end.
    constexpr StringView trimmed() const
    {
        size_t start = 0;
        size_t end = m_length;
        while (start < end && is_blank(m_characters[start]))
            ++start;
        while (end > start && is_blank(m_characters[end - 1]))
            --end;
        return substring(start, end - start);
    }

    constexpr bool operator==(StringView other) const
    {
        if (m_length != other.m_length)
            return false;
        for (size_t i = 0; i < m_length; ++i) {
            if (m_characters[i] != other.m_characters[i])
                return false;
        }
        return true;
    }

private:
    static constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
    static constexpr size_t constexpr_strlen(const char* s)
    {
        size_t n = 0;
        while (s[n])
            ++n;
        return n;
    }

    const char* m_characters { nullptr };
    size_t m_length { 0 };
};

} // namespace gehri

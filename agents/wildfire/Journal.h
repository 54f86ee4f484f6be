#pragma once

#include <kernel/lib/Format.h>
#include <kernel/lib/StringView.h>

namespace gehri::wildfire {

// The last few decisions as lines of text, newest first: what the live view shows under the
// map (the console and the audit log have them all).
class Journal {
public:
    static constexpr size_t capacity = 12;
    static constexpr size_t line_length = 80;

    template<typename... Args>
    void add(StringView format_string, const Args&... args)
    {
        m_newest = (m_newest + 1) % capacity;
        BufferSink sink(m_lines[m_newest], line_length);
        format_to(sink, format_string, args...);
        m_lengths[m_newest] = sink.length();
        if (m_count < capacity)
            ++m_count;
    }

    // Entry 0 is the newest; empty past the oldest.
    StringView entry(size_t age) const
    {
        if (age >= m_count)
            return {};
        size_t index = (m_newest + capacity - age) % capacity;
        return StringView(m_lines[index], m_lengths[index]);
    }

private:
    char m_lines[capacity][line_length] {};
    size_t m_lengths[capacity] {};
    size_t m_newest { capacity - 1 };
    size_t m_count { 0 };
};

} // namespace gehri::wildfire

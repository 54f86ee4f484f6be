#pragma once

#include <kernel/lib/Error.h>
#include <kernel/lib/Format.h>

namespace gehri {

// Why a parser rejected its input, in words a person reads on the console ("program
// header 2: segment is both writable and executable"). The Error code is for programs,
// the message for people. Parsers take a Diagnostic& next to their input and return
// `diagnostic.fail(...)`, which records the reason and yields the code for the Result.
class Diagnostic {
public:
    static constexpr size_t capacity = 192;

    template<typename... Args>
    Error fail(Error code, StringView format_string, const Args&... args)
    {
        BufferSink sink(m_message, capacity);
        format_to(sink, format_string, args...);
        return record(code, sink.length(), 0);
    }

    // For line-oriented text: the message reads "FILE:LINE: what is wrong".
    template<typename... Args>
    Error fail_at_line(Error code, StringView file, size_t line, StringView format_string, const Args&... args)
    {
        BufferSink sink(m_message, capacity);
        format_to(sink, "{}:{}: ", file, line);
        format_to(sink, format_string, args...);
        return record(code, sink.length(), line);
    }

    bool has_failed() const { return m_failed; }
    Error code() const { return m_code; }
    StringView message() const { return { m_message, m_length }; }
    const char* c_str() const { return m_message; }
    // The input line the failure is about, or 0 when it concerns the whole input.
    size_t line() const { return m_line; }

private:
    Error record(Error code, size_t length, size_t line)
    {
        m_failed = true;
        m_code = code;
        m_length = length;
        m_line = line;
        return code;
    }

    char m_message[capacity] { };
    size_t m_length { 0 };
    size_t m_line { 0 };
    Error m_code { Error::InvalidArgument };
    bool m_failed { false };
};

} // namespace gehri

#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>
#include <type_traits>

namespace gehri {

// Where formatted text goes: a console, a buffer, a log ring.
class FormatSink {
public:
    virtual void write(StringView text) = 0;

protected:
    ~FormatSink() = default;
};

// A parsed "{:...}" specification: [fill-zero][width][type], e.g. {:016x}, {:8}, {:c}.
struct FormatSpec {
    char type { 0 }; // 0 = natural, 'x', 'X', 'b', 'd', 'c', 'p'
    bool zero_pad { false };
    bool alternate { false }; // '#': 0x prefix for hex
    bool left_align { false }; // '<'
    uint32_t width { 0 };
};

struct FormatArgument {
    enum class Kind : uint8_t { Signed, Unsigned, Bool, Char, CString, String, Pointer };
    Kind kind;
    union {
        int64_t signed_value;
        uint64_t unsigned_value;
        const void* pointer;
        StringView string;
    };

    FormatArgument(bool v) : kind(Kind::Bool), unsigned_value(v) { }
    FormatArgument(char v) : kind(Kind::Char), unsigned_value(static_cast<unsigned char>(v)) { }
    template<typename T>
        requires(std::is_integral_v<T> && std::is_signed_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>)
    FormatArgument(T v) : kind(Kind::Signed), signed_value(v) { }
    template<typename T>
        requires(std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool>)
    FormatArgument(T v) : kind(Kind::Unsigned), unsigned_value(v) { }
    template<typename T>
        requires std::is_enum_v<T>
    FormatArgument(T v) : kind(Kind::Signed), signed_value(static_cast<int64_t>(v)) { }
    FormatArgument(const char* v) : kind(Kind::String), string(v ? StringView(v) : StringView("(null)")) { }
    FormatArgument(char* v) : FormatArgument(static_cast<const char*>(v)) { }
    FormatArgument(StringView v) : kind(Kind::String), string(v) { }
    FormatArgument(const void* v) : kind(Kind::Pointer), pointer(v) { }
    FormatArgument(void* v) : kind(Kind::Pointer), pointer(v) { }
};

void vformat(FormatSink& sink, StringView format_string, const FormatArgument* arguments, size_t argument_count);

template<typename... Args>
void format_to(FormatSink& sink, StringView format_string, const Args&... args)
{
    if constexpr (sizeof...(Args) == 0) {
        vformat(sink, format_string, nullptr, 0);
    } else {
        const FormatArgument arguments[] = { FormatArgument(args)... };
        vformat(sink, format_string, arguments, sizeof...(Args));
    }
}

// Formats into a fixed caller-provided buffer, truncating; always NUL-terminates.
class BufferSink final : public FormatSink {
public:
    BufferSink(char* buffer, size_t capacity)
        : m_buffer(buffer)
        , m_capacity(capacity)
    {
        if (m_capacity > 0)
            m_buffer[0] = '\0';
    }
    void write(StringView text) override;
    StringView view() const { return { m_buffer, m_length }; }
    size_t length() const { return m_length; }
    bool truncated() const { return m_truncated; }

private:
    char* m_buffer;
    size_t m_capacity;
    size_t m_length { 0 };
    bool m_truncated { false };
};

template<size_t Capacity>
class FixedString {
public:
    template<typename... Args>
    static FixedString formatted(StringView format_string, const Args&... args)
    {
        FixedString result;
        BufferSink sink(result.m_buffer, Capacity);
        format_to(sink, format_string, args...);
        result.m_length = sink.length();
        return result;
    }
    StringView view() const { return { m_buffer, m_length }; }
    const char* c_str() const { return m_buffer; }

private:
    char m_buffer[Capacity] { };
    size_t m_length { 0 };
};

} // namespace gehri

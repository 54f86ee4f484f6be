#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <string.h>

namespace gehri::ipc {

// A topic's name, stored inline. Names are 1..max_length printable ASCII characters without
// spaces (e.g. "camera/front/rgb"): easy to log, to type, and to compare byte for byte.
class TopicName {
public:
    static constexpr size_t max_length = 64;

    TopicName() = default;
    // InvalidArgument for an empty name or a bad character; TooLarge past max_length.
    static Result<TopicName> create(StringView name)
    {
        if (name.is_empty())
            return Error::InvalidArgument;
        if (name.length() > max_length)
            return Error::TooLarge;
        for (char c : name) {
            if (c <= ' ' || c > '~')
                return Error::InvalidArgument;
        }
        TopicName result;
        memcpy(result.m_characters, name.characters(), name.length());
        result.m_length = name.length();
        return result;
    }

    StringView view() const { return { m_characters, m_length }; }

private:
    char m_characters[max_length] {};
    size_t m_length { 0 };
};

} // namespace gehri::ipc

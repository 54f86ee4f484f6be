#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <string.h>

namespace gehri::collective {

// A short name copied into the service's own storage, so that nothing a service keeps points
// into an agent's memory (which the agent can change or unmap after the call).
template<size_t Capacity>
class FixedName {
public:
    static constexpr size_t capacity = Capacity;

    // OutOfRange when the text does not fit.
    static Result<FixedName> from(StringView text)
    {
        if (text.length() > Capacity)
            return Error::OutOfRange;
        FixedName name;
        memcpy(name.m_characters, text.characters(), text.length());
        name.m_length = static_cast<uint8_t>(text.length());
        return name;
    }

    StringView view() const { return { m_characters, m_length }; }
    bool operator==(StringView other) const { return view() == other; }

private:
    static_assert(Capacity < 256);
    char m_characters[Capacity] {};
    uint8_t m_length { 0 };
};

} // namespace gehri::collective

#pragma once

#include <kernel/lib/StringView.h>

namespace gehri::boot {

// The kernel command line: space-separated words, each "key=value" or a bare "flag".
class CommandLine {
public:
    explicit CommandLine(StringView text)
        : m_text(text)
    {
    }

    // The value of the first "key=value" word, or an empty view with found == false.
    StringView value_of(StringView key, bool* found = nullptr) const;
    bool has_flag(StringView flag) const;
    StringView text() const { return m_text; }

private:
    template<typename Callback>
    void for_each_word(Callback callback) const;

    StringView m_text;
};

} // namespace gehri::boot

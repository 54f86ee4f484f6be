#include <kernel/boot/CommandLine.h>

namespace gehri::boot {

template<typename Callback>
void CommandLine::for_each_word(Callback callback) const
{
    size_t i = 0;
    while (i < m_text.length()) {
        while (i < m_text.length() && m_text[i] == ' ')
            ++i;
        size_t start = i;
        while (i < m_text.length() && m_text[i] != ' ')
            ++i;
        if (i > start && callback(m_text.substring(start, i - start)))
            return;
    }
}

StringView CommandLine::value_of(StringView key, bool* found) const
{
    StringView result;
    bool matched = false;
    for_each_word([&](StringView word) {
        size_t equals = word.find('=');
        if (equals == StringView::npos || !(word.substring(0, equals) == key))
            return false;
        result = word.substring(equals + 1);
        matched = true;
        return true;
    });
    if (found)
        *found = matched;
    return result;
}

bool CommandLine::has_flag(StringView flag) const
{
    bool matched = false;
    for_each_word([&](StringView word) {
        matched = word == flag;
        return matched;
    });
    return matched;
}

} // namespace gehri::boot

#include <kernel/shell/Words.h>

namespace gehri::shell {

StringView next_word(StringView line, size_t& position)
{
    while (position < line.length() && line[position] == ' ')
        ++position;
    size_t start = position;
    while (position < line.length() && line[position] != ' ')
        ++position;
    return line.substring(start, position - start);
}

bool parse_number(StringView text, int64_t& out)
{
    bool negative = text.starts_with("-");
    size_t start = negative ? 1 : 0;
    if (text.length() == start || text.length() > start + 18)
        return false;
    int64_t value = 0;
    for (size_t i = start; i < text.length(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    out = negative ? -value : value;
    return true;
}

} // namespace gehri::shell

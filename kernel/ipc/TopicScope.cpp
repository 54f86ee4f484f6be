#include <kernel/collective/Policy.h>
#include <kernel/ipc/TopicScope.h>

namespace gehri::ipc {

Result<void> TopicScope::add(StringView pattern, Rights rights)
{
    if (pattern.is_empty() || rights == Rights::None || (rights & ~roles) != Rights::None)
        return Error::InvalidArgument;
    if (pattern.length() > TopicName::max_length || m_count == max_patterns)
        return Error::TooLarge;
    for (char c : pattern) {
        if (c <= ' ' || c > '~')
            return Error::InvalidArgument;
    }
    Entry& entry = m_entries[m_count++];
    memcpy(entry.pattern, pattern.characters(), pattern.length());
    entry.length = static_cast<uint8_t>(pattern.length());
    entry.rights = rights;
    return {};
}

namespace {

// The next '/'-separated segment of `text` from `start` (which moves past it and its '/').
StringView next_segment(StringView text, size_t& start)
{
    size_t end = text.find('/', start);
    if (end == StringView::npos)
        end = text.length();
    StringView segment = text.substring(start, end - start);
    start = end + 1;
    return segment;
}

} // namespace

// Segment by segment, as the manifest defines patterns (docs/manifest.md): the same number of
// segments, each matched by the glob matcher, so a '*' never reaches across a '/'.
bool TopicScope::matches(StringView pattern, StringView name)
{
    size_t p = 0;
    size_t n = 0;
    while (p <= pattern.length() && n <= name.length()) {
        StringView pattern_segment = next_segment(pattern, p);
        StringView name_segment = next_segment(name, n);
        if (!collective::glob_match(pattern_segment, name_segment))
            return false;
    }
    return p > pattern.length() && n > name.length();
}

bool TopicScope::allows(StringView name, Rights role) const
{
    if (role == Rights::None)
        return false;
    for (size_t i = 0; i < m_count; ++i) {
        const Entry& entry = m_entries[i];
        if (has_rights(entry.rights, role) && matches(StringView(entry.pattern, entry.length), name))
            return true;
    }
    return false;
}

} // namespace gehri::ipc

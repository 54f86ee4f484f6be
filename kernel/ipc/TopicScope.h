#pragma once

#include <kernel/ipc/TopicName.h>
#include <kernel/object/Rights.h>

namespace gehri::ipc {

// Which topics of a namespace a restricted handle reaches, and in which role: a list of
// patterns, each with the roles it allows (Rights::Publish, Rights::Subscribe). A name is
// allowed in a role if some pattern matches it and grants that role. Patterns are topic-name
// characters, 1..64 of them, where '*' matches any run of characters within one '/'-separated
// segment ("fire/*" matches "fire/north", not "fire/north/east" nor "fire"), as manifests mean.
class TopicScope {
public:
    static constexpr size_t max_patterns = 16;
    static constexpr Rights roles = Rights::Publish | Rights::Subscribe;

    // InvalidArgument for an empty or malformed pattern, or rights outside `roles` (or none);
    // TooLarge past max_patterns or TopicName::max_length.
    Result<void> add(StringView pattern, Rights rights);

    bool allows(StringView name, Rights role) const;
    size_t size() const { return m_count; }
    static bool matches(StringView pattern, StringView name);

private:
    struct Entry {
        char pattern[TopicName::max_length];
        uint8_t length;
        Rights rights;
    };
    Entry m_entries[max_patterns] {};
    size_t m_count { 0 };
};

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/RefCounted.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::agent {

// Which read-only program pages are in memory already, so that agents started from the same
// executable map the same frames instead of copying them (kernel/agent/ProgramPages.h).
//
// An entry is keyed by where the executable's bytes are (the boot image's file: its address
// and length, which stay put) and by the segment's first page; a caller confirms a hit with
// `matches` (the same segment size), or it gets pages of its own.
//
// The cache holds one reference to each Pages; every mapping holds another. An entry that only
// the cache still holds is dropped by release_if_unused, which the unmapping calls: the pages
// live exactly as long as some agent maps them. Thread-safe (one interrupt-safe lock; `make`
// runs outside it). Pages is RefCounted (kernel/ipc/RefCounted.h).
template<typename Pages, size_t Capacity>
class SharedSegmentCache {
public:
    struct Key {
        const void* file { nullptr };
        size_t file_length { 0 };
        uint64_t page_start { 0 };
        bool operator==(const Key&) const = default;
    };

    // The cached pages for `key` if `matches(pages)` confirms them; otherwise make() (which
    // returns Result<ipc::RefPtr<Pages>>) builds them and, if a slot is free, the cache keeps
    // them for the next caller. Errors are make()'s.
    template<typename Make, typename Matches>
    Result<ipc::RefPtr<Pages>> find_or_make(const Key& key, Make make, Matches matches)
    {
        if (auto found = find(key, matches))
            return found;
        ipc::RefPtr<Pages> made = TRY(make());
        InterruptSafeGuard guard(m_lock);
        for (Entry& entry : m_entries) {
            if (entry.pages && entry.key == key)
                return made; // someone cached this key meanwhile: ours stays private
        }
        for (Entry& entry : m_entries) {
            if (!entry.pages) {
                entry = { key, made };
                ++m_count;
                return made;
            }
        }
        return made; // full: not shared
    }

    // Drops the cache's reference to `pages` if it is cached and nobody else holds it. A
    // pointer that is not (or no longer) cached is only compared, never followed.
    void release_if_unused(const Pages* pages)
    {
        ipc::RefPtr<Pages> dropped; // declared first: freed after the lock is let go
        InterruptSafeGuard guard(m_lock);
        for (Entry& entry : m_entries) {
            // Only a lookup under this lock can add a reference to an entry only we hold.
            if (entry.pages.get() == pages && entry.pages->ref_count() == 1) {
                dropped = std::move(entry.pages);
                entry.key = {};
                --m_count;
                break;
            }
        }
    }

    size_t size() const
    {
        InterruptSafeGuard guard(m_lock);
        return m_count;
    }

private:
    struct Entry {
        Key key;
        ipc::RefPtr<Pages> pages;
    };

    template<typename Matches>
    ipc::RefPtr<Pages> find(const Key& key, Matches& matches)
    {
        ipc::RefPtr<Pages> candidate;
        {
            InterruptSafeGuard guard(m_lock);
            for (Entry& entry : m_entries) {
                if (entry.pages && entry.key == key) {
                    candidate = entry.pages;
                    break;
                }
            }
        }
        // Compared outside the lock: our reference keeps the frames.
        if (candidate && !matches(*candidate))
            return {};
        return candidate;
    }

    mutable Spinlock m_lock;
    Entry m_entries[Capacity] {};
    size_t m_count { 0 };
};

} // namespace gehri::agent

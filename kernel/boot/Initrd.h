#pragma once

#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/StringView.h>

namespace gehri::boot {

enum class InitrdEntryKind : uint8_t { File, Directory, Symlink, Other };

struct InitrdEntry {
    StringView path; // canonical: no leading "/" or "./", no empty, "." or ".." components
    ReadonlyBytes data; // a file's contents, a symlink's target; empty for the rest
    uint32_t mode { 0 }; // type and permission bits, as in st_mode
    InitrdEntryKind kind { InitrdEntryKind::Other };
};

// The initial RAM disk: a cpio archive in the "newc" format (`cpio -o -H newc`, magic
// 070701; "crc", 070702, is accepted and its checksums verified), as loaded by GRUB as a
// module. create() validates the whole archive once (every header, hex field, name, size
// and padding is bounds-checked, paths are canonical and unique, and it must end with
// TRAILER!!!), so iterating and looking up afterwards cannot fail. The Initrd views the
// caller's bytes; keep them alive and unchanged. It also keeps an index of the entries sorted by
// path (on the heap: OutOfMemory), so a lookup is a binary search, not a walk through every
// header: spawning a program used to spend a third of its instructions finding its file.
class Initrd {
public:
    static Result<Initrd> create(ReadonlyBytes archive, Diagnostic& diagnostic);
    Initrd(Initrd&&) = default;
    Initrd& operator=(Initrd&&) = default;

    // Entries in archive order; the archive root (".") and the trailer are not listed.
    size_t entry_count() const { return m_entry_count; }
    // Looks a path up ("drone", "./drone" and "/drone" are the same). A hard-linked file
    // whose data cpio stored with a later link resolves to that data. NotFound if absent.
    Result<InitrdEntry> find(StringView path) const;
    // The contents of a regular file: NotFound if absent, InvalidArgument if not a file.
    Result<ReadonlyBytes> file(StringView path) const;

    class Iterator {
    public:
        const InitrdEntry& operator*() const { return m_entry; }
        const InitrdEntry* operator->() const { return &m_entry; }
        Iterator& operator++();
        bool operator==(const Iterator& other) const { return m_offset == other.m_offset; }

    private:
        friend class Initrd;
        Iterator(ReadonlyBytes archive, size_t offset);
        void settle();

        ReadonlyBytes m_archive;
        size_t m_offset;
        size_t m_next_offset { 0 };
        InitrdEntry m_entry;
    };
    Iterator begin() const
    {
        Iterator iterator(m_archive, 0);
        iterator.settle();
        return iterator;
    }
    Iterator end() const { return Iterator(m_archive, m_trailer_offset); }

private:
    Initrd(ReadonlyBytes archive, size_t entry_count, size_t trailer_offset, HeapArray<InitrdEntry> by_path)
        : m_archive(archive)
        , m_entry_count(entry_count)
        , m_trailer_offset(trailer_offset)
        , m_by_path(std::move(by_path))
    {
    }

    ReadonlyBytes m_archive;
    size_t m_entry_count;
    size_t m_trailer_offset;
    HeapArray<InitrdEntry> m_by_path; // every entry, hard links resolved, sorted by path
};

} // namespace gehri::boot

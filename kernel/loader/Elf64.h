#pragma once

#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/mm/Layout.h>

namespace gehri::loader {

// Where an agent's image may live. Below the floor: the first 64 KiB stay unmapped so a
// null pointer plus a small offset faults (Linux's mmap_min_addr default). At the top:
// the last user page stays unmapped because SYSRET to a non-canonical RIP (an instruction
// ending at 0x7fffffffffff falls through to 0x800000000000) faults in ring 0 on Intel
// CPUs; keeping that page empty makes the case impossible.
constexpr uint64_t user_image_floor = 0x10000;
constexpr uint64_t user_image_ceiling = mm::user_space_end - mm::page_size;

// Fixed capacity, so parsing allocates nothing. Linkers emit two to five loadable segments.
constexpr size_t max_loadable_segments = 16;
constexpr size_t max_program_headers = 64;

struct ElfSegment {
    uint64_t virtual_address { 0 };
    uint64_t memory_size { 0 };
    uint64_t file_offset { 0 };
    uint64_t file_size { 0 }; // bytes taken from the file; the rest up to memory_size is zero
    uint64_t alignment { 0 };
    bool readable { false };
    bool writable { false };
    bool executable { false };

    uint64_t end() const { return virtual_address + memory_size; }
    // The pages the segment touches: [page_start(), page_end()).
    uint64_t page_start() const { return mm::align_down(virtual_address, mm::page_size); }
    uint64_t page_end() const { return mm::align_up(end(), mm::page_size); }
};

// A validated ELF64 executable: a static, non-PIE x86_64 program (ET_EXEC) that a loader
// can map without relocating or consulting anything else. Once parse() has succeeded every
// fact below is checked: segments lie inside the file and inside user space, are sorted,
// share no page, none is both writable and executable, and the entry point is in the file
// bytes of an executable segment. The image views the caller's bytes; keep them alive.
class ElfImage {
public:
    // On failure the Diagnostic says why in a sentence, e.g. "program header 3: segment is
    // writable and executable (W^X)".
    static Result<ElfImage> parse(ReadonlyBytes file, Diagnostic& diagnostic);

    uint64_t entry() const { return m_entry; }
    size_t segment_count() const { return m_segment_count; }
    const ElfSegment& segment(size_t index) const { return m_segments[index]; }
    // The initialised bytes of a segment (file_size of them) to copy to virtual_address.
    ReadonlyBytes segment_bytes(size_t index) const;
    // Memory the image occupies once mapped, in whole pages: what counts against a quota.
    uint64_t mapped_size() const;
    ReadonlyBytes file() const { return m_file; }

private:
    ElfImage() = default;
    Result<void> check_entry(Diagnostic&) const;

    ReadonlyBytes m_file;
    uint64_t m_entry { 0 };
    ElfSegment m_segments[max_loadable_segments];
    size_t m_segment_count { 0 };
};

} // namespace gehri::loader

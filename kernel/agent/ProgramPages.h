#pragma once

#include <kernel/agent/SharedPages.h>
#include <kernel/lib/Span.h>
#include <kernel/loader/Elf64.h>

// The read-only segments of executables (text, rodata), in memory once however many agents run
// them: every agent started from the same boot file maps the same frames, read-only, instead
// of a copy of its own. Writable segments (data, bss) stay private copies.
namespace gehri::agent {

// Fills the 4 KiB at `destination` with what the segment holds at `page` (a page it touches):
// its file bytes there, zeros around them. `file_bytes` is the segment's file_size bytes.
void fill_segment_page(const loader::ElfSegment& segment, ReadonlyBytes file_bytes, uint64_t page, uint8_t* destination);

// The pages of a read-only segment of `file` (segment_bytes: its file bytes), shared with
// every other mapping of the same segment of the same file, made (and remembered) on first
// use. `file` must be a boot file (the initrd's bytes, which never move or change while the
// system runs): the file is known by its address. InvalidArgument for a writable segment;
// OutOfMemory.
Result<ipc::RefPtr<SharedPages>> shared_segment_pages(ReadonlyBytes file, const loader::ElfSegment& segment, ReadonlyBytes segment_bytes);

// An unmapping dropped its reference to `pages`: if they are program pages nobody maps any
// more, the cache lets them go (UserAddressSpace calls it; `pages` may already be freed).
void release_program_pages_if_unused(const SharedPages* pages);

// Segments held in memory for sharing now (for tests and statistics).
size_t shared_program_segment_count();

} // namespace gehri::agent

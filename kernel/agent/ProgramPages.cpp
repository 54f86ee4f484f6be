#include <kernel/agent/ProgramPages.h>
#include <kernel/agent/SharedSegmentCache.h>
#include <string.h>

namespace gehri::agent {

namespace {

// Distinct read-only segments of all the programs running at once (two or three a program).
constexpr size_t cache_capacity = 128;

SharedSegmentCache<SharedPages, cache_capacity> s_cache;

size_t page_count_of(const loader::ElfSegment& segment) { return (segment.page_end() - segment.page_start()) / mm::page_size; }

} // namespace

void fill_segment_page(const loader::ElfSegment& segment, ReadonlyBytes file_bytes, uint64_t page, uint8_t* destination)
{
    uint64_t data_start = segment.virtual_address;
    uint64_t data_end = segment.virtual_address + segment.file_size;
    uint64_t from = page > data_start ? page : data_start;
    uint64_t to = page + mm::page_size < data_end ? page + mm::page_size : data_end;
    if (from >= to)
        return; // a page of pure bss
    memcpy(destination + (from - page), file_bytes.data() + (from - data_start), to - from);
}

Result<ipc::RefPtr<SharedPages>> shared_segment_pages(ReadonlyBytes file, const loader::ElfSegment& segment, ReadonlyBytes segment_bytes)
{
    if (segment.writable || segment.page_end() <= segment.page_start())
        return Error::InvalidArgument;
    auto& memory = mm::PhysicalMemory::the();
    auto make = [&]() -> Result<ipc::RefPtr<SharedPages>> {
        auto pages = TRY(SharedPages::create(segment.page_end() - segment.page_start()));
        for (size_t i = 0; i < pages->page_count(); ++i)
            fill_segment_page(segment, segment_bytes, segment.page_start() + i * mm::page_size, memory.to_virtual<uint8_t>(pages->frame(i)));
        return pages;
    };
    // A boot file never moves or changes: the same file, segment and size are the same bytes.
    // (Comparing the bytes at every spawn would cost more than the copy it saves.)
    auto matches = [&](const SharedPages& pages) { return pages.page_count() == page_count_of(segment); };
    return s_cache.find_or_make({ file.data(), file.size(), segment.page_start() }, make, matches);
}

void release_program_pages_if_unused(const SharedPages* pages) { s_cache.release_if_unused(pages); }

size_t shared_program_segment_count() { return s_cache.size(); }

} // namespace gehri::agent

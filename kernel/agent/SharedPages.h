#pragma once

#include <kernel/ipc/RefCounted.h>
#include <kernel/lib/Result.h>
#include <kernel/mm/Layout.h>
#include <kernel/mm/PhysicalMemory.h>

namespace gehri::agent {

// Zeroed physical pages that several address spaces map at once (a memory object's backing).
// Reference counted: the memory object holds one reference and every mapping another, so the
// pages stay until the last mapping is gone even if the object's handles are all closed.
class SharedPages final : public ipc::RefCounted<SharedPages> {
public:
    static constexpr uint64_t max_bytes = 64 * 1024 * 1024;

    // `bytes`: a page multiple, 1 page .. max_bytes (InvalidArgument); OutOfMemory.
    static Result<ipc::RefPtr<SharedPages>> create(uint64_t bytes);
    ~SharedPages();

    uint64_t size() const { return m_page_count * mm::page_size; }
    size_t page_count() const { return m_page_count; }
    mm::PhysicalAddress frame(size_t index) const { return m_frames[index]; }

private:
    SharedPages(mm::PhysicalAddress* frames, size_t page_count)
        : m_frames(frames)
        , m_page_count(page_count)
    {
    }

    mm::PhysicalAddress* m_frames;
    size_t m_page_count;
};

} // namespace gehri::agent

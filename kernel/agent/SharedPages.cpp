#include <kernel/agent/SharedPages.h>
#include <new>
#include <string.h>

namespace gehri::agent {

Result<ipc::RefPtr<SharedPages>> SharedPages::create(uint64_t bytes)
{
    if (bytes == 0 || bytes % mm::page_size != 0 || bytes > max_bytes)
        return Error::InvalidArgument;
    size_t count = bytes / mm::page_size;
    auto* frames = new (std::nothrow) mm::PhysicalAddress[count];
    if (frames == nullptr)
        return Error::OutOfMemory;
    auto& memory = mm::PhysicalMemory::the();
    for (size_t i = 0; i < count; ++i) {
        auto frame = memory.allocate(0, mm::MemoryZone::Any, mm::PageOwner::AgentMemory);
        if (frame.is_error()) {
            for (size_t j = 0; j < i; ++j)
                memory.free(frames[j]);
            delete[] frames;
            return frame.error();
        }
        frames[i] = frame.value();
        memset(memory.to_virtual<uint8_t>(frames[i]), 0, mm::page_size);
    }
    auto pages = ipc::adopt_ref_if_nonnull(new (std::nothrow) SharedPages(frames, count));
    if (pages.is_error()) {
        for (size_t i = 0; i < count; ++i)
            memory.free(frames[i]);
        delete[] frames;
    }
    return pages;
}

SharedPages::~SharedPages()
{
    for (size_t i = 0; i < m_page_count; ++i)
        mm::PhysicalMemory::the().free(m_frames[i]);
    delete[] m_frames;
}

} // namespace gehri::agent

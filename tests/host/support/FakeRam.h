#pragma once

// Host stand-in for RAM: a real buffer that a PhysicalMemory manages under made-up physical
// addresses, so the allocator and the heap run unchanged and their pages can be written to.
#include <cstdlib>
#include <kernel/mm/PhysicalMemory.h>
#include <memory>
#include <vector>

namespace gehri::mm::testing {

class FakeRam {
public:
    // `bytes` of RAM at physical address `base` (aligned to the largest buddy block), with the
    // frames in `holes` (physical ranges) left out of the allocator.
    FakeRam(PhysicalAddress base, uint64_t bytes, std::vector<PhysicalRange> holes = {})
        : m_base(base)
        , m_bytes(bytes)
        , m_buffer(static_cast<uint8_t*>(std::aligned_alloc(block_alignment, align_up(bytes, block_alignment))))
        , m_metadata(bytes / page_size)
    {
        PhysicalRangeList free;
        VERIFY(free.add({ base, base + bytes }).is_ok());
        for (auto& hole : holes)
            VERIFY(free.remove(hole).is_ok());
        auto offset = reinterpret_cast<uint64_t>(m_buffer.get()) - base;
        memory.initialize(PageArray(m_metadata.data(), base / page_size, bytes / page_size), free, offset);
    }

    bool contains(const void* pointer, size_t length = 1) const
    {
        auto* p = static_cast<const uint8_t*>(pointer);
        return p >= m_buffer.get() && p + length <= m_buffer.get() + m_bytes;
    }

    PhysicalMemory memory;

private:
    static constexpr size_t block_alignment = page_size << PhysicalMemory::max_order;
    struct Free {
        void operator()(uint8_t* p) const { std::free(p); }
    };
    PhysicalAddress m_base;
    uint64_t m_bytes;
    std::unique_ptr<uint8_t, Free> m_buffer;
    std::vector<PhysicalPage> m_metadata;
};

} // namespace gehri::mm::testing

#pragma once

#include <kernel/lib/Spinlock.h>
#include <kernel/mm/BuddyAllocator.h>
#include <kernel/mm/PhysicalRange.h>

namespace gehri::mm {

enum class MemoryZone : uint8_t {
    Any,       // anywhere; memory above 4 GiB is used first, to keep low memory for devices
    Below4GiB, // reachable by 32-bit DMA and by 32-bit code (an AP's first CR3)
};

// The physical page allocator of the whole machine: two buddy zones (below and above 4 GiB)
// over one PageArray of metadata, behind one interrupt-safe lock.
//
// It also knows how to reach a frame's contents: virtual = physical + direct_map_offset. In the
// kernel that is the direct map; host tests pass the offset of a buffer that stands in for RAM.
class PhysicalMemory {
public:
    static constexpr unsigned max_order = BuddyAllocator::max_order;

    PhysicalMemory() = default;
    PhysicalMemory(const PhysicalMemory&) = delete;
    PhysicalMemory& operator=(const PhysicalMemory&) = delete;

    // The kernel's instance (set up by mm::initialize).
    static PhysicalMemory& the();

    // `pages` must cover every frame in `free_ranges`, which must be page-aligned.
    void initialize(PageArray pages, const PhysicalRangeList& free_ranges, uint64_t direct_map_offset);
    bool is_initialized() const { return m_initialized; }

    // 2^order contiguous frames, aligned to their size. Not zeroed.
    Result<PhysicalAddress> allocate(unsigned order = 0, MemoryZone zone = MemoryZone::Any, PageOwner owner = PageOwner::Generic);
    // Frees a block by its first address (the order is remembered).
    void free(PhysicalAddress address);

    // The metadata of a managed frame, or null for one the allocator never manages.
    PhysicalPage* page(PhysicalAddress address);
    PageArray& pages() { return m_pages; }
    PhysicalAddress address_of(const PhysicalPage& page) const { return m_pages.pfn_of(m_pages.index_of(page)) << page_shift; }

    template<typename T = void>
    T* to_virtual(PhysicalAddress address) const { return reinterpret_cast<T*>(address + m_direct_map_offset); }
    PhysicalAddress to_physical(const void* pointer) const { return reinterpret_cast<uint64_t>(pointer) - m_direct_map_offset; }

    uint64_t total_pages() const { return m_low.total_pages() + m_high.total_pages(); }
    uint64_t free_pages() const;
    uint64_t free_pages(MemoryZone zone) const;
    // Pages allocated now on behalf of `owner` (what allocate was told): where memory goes.
    uint64_t allocated_pages(PageOwner owner) const;

private:
    BuddyAllocator& allocator_for(uint64_t pfn) { return m_high.owns(pfn) ? m_high : m_low; }

    mutable Spinlock m_lock;
    PageArray m_pages;
    BuddyAllocator m_low;
    BuddyAllocator m_high;
    uint64_t m_allocated_by_owner[page_owner_count] {};
    uint64_t m_direct_map_offset { 0 };
    bool m_initialized { false };
};

} // namespace gehri::mm

#include <kernel/mm/PhysicalMemory.h>

namespace gehri::mm {

namespace {
constexpr uint64_t four_gib_pfn = (4ull * 1024 * 1024 * 1024) >> page_shift;
PhysicalMemory s_physical_memory;
} // namespace

PhysicalMemory& PhysicalMemory::the() { return s_physical_memory; }

void PhysicalMemory::initialize(PageArray pages, const PhysicalRangeList& free_ranges, uint64_t direct_map_offset)
{
    VERIFY(!m_initialized);
    m_pages = pages;
    m_direct_map_offset = direct_map_offset;
    m_low.initialize(m_pages, m_pages.first_pfn(), four_gib_pfn);
    m_high.initialize(m_pages, four_gib_pfn, m_pages.end_pfn());
    for (auto& range : free_ranges) {
        VERIFY(range.start % page_size == 0 && range.end % page_size == 0);
        uint64_t start = range.start >> page_shift;
        uint64_t end = range.end >> page_shift;
        VERIFY(m_pages.contains_pfn(start) && end <= m_pages.end_pfn());
        m_low.add_free_range(start, end);
        m_high.add_free_range(start, end);
    }
    m_initialized = true;
}

Result<PhysicalAddress> PhysicalMemory::allocate(unsigned order, MemoryZone zone, PageOwner owner)
{
    InterruptSafeGuard guard(m_lock);
    auto pfn = zone == MemoryZone::Any ? m_high.allocate(order) : Result<uint64_t>(Error::OutOfMemory);
    if (pfn.is_error())
        pfn = m_low.allocate(order);
    if (pfn.is_error())
        return pfn.error();
    m_pages.at_pfn(pfn.value()).owner = owner;
    m_allocated_by_owner[static_cast<size_t>(owner)] += 1ull << order;
    return pfn.value() << page_shift;
}

void PhysicalMemory::free(PhysicalAddress address)
{
    if (address % page_size != 0)
        PANIC("freeing physical address {:#x} that is not page-aligned", address);
    uint64_t pfn = address >> page_shift;
    InterruptSafeGuard guard(m_lock);
    if (!m_pages.contains_pfn(pfn))
        PANIC("freeing physical address {:#x} outside managed memory", address);
    const PhysicalPage& page = m_pages.at_pfn(pfn);
    // Counted only for a real block: BuddyAllocator::free panics on anything else.
    if (page.state == PageState::Allocated)
        m_allocated_by_owner[static_cast<size_t>(page.owner)] -= 1ull << page.order;
    allocator_for(pfn).free(pfn);
}

PhysicalPage* PhysicalMemory::page(PhysicalAddress address)
{
    uint64_t pfn = address >> page_shift;
    if (!m_pages.contains_pfn(pfn))
        return nullptr;
    return &m_pages.at_pfn(pfn);
}

uint64_t PhysicalMemory::free_pages() const
{
    InterruptSafeGuard guard(m_lock);
    return m_low.free_pages() + m_high.free_pages();
}

uint64_t PhysicalMemory::allocated_pages(PageOwner owner) const
{
    VERIFY(static_cast<size_t>(owner) < page_owner_count);
    InterruptSafeGuard guard(m_lock);
    return m_allocated_by_owner[static_cast<size_t>(owner)];
}

uint64_t PhysicalMemory::free_pages(MemoryZone zone) const
{
    InterruptSafeGuard guard(m_lock);
    return zone == MemoryZone::Below4GiB ? m_low.free_pages() : m_low.free_pages() + m_high.free_pages();
}

} // namespace gehri::mm

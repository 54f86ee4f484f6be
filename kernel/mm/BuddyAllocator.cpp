#include <bit>
#include <kernel/mm/BuddyAllocator.h>

namespace gehri::mm {

void BuddyAllocator::initialize(PageArray& pages, uint64_t first_pfn, uint64_t end_pfn)
{
    m_pages = &pages;
    m_first_pfn = first_pfn < pages.first_pfn() ? pages.first_pfn() : first_pfn;
    m_end_pfn = end_pfn > pages.end_pfn() ? pages.end_pfn() : end_pfn;
    if (m_end_pfn < m_first_pfn)
        m_end_pfn = m_first_pfn;
    for (unsigned order = 0; order <= max_order; ++order) {
        m_free_heads[order] = no_page;
        m_free_block_counts[order] = 0;
    }
    m_nonempty_orders = 0;
    m_total_pages = 0;
    m_free_pages = 0;
}

void BuddyAllocator::push(PageIndex index, unsigned order)
{
    PhysicalPage& page = (*m_pages)[index];
    page.state = PageState::Free;
    page.order = static_cast<uint8_t>(order);
    page.owner = PageOwner::None;
    page.prev = no_page;
    page.next = m_free_heads[order];
    if (page.next != no_page)
        (*m_pages)[page.next].prev = index;
    m_free_heads[order] = index;
    ++m_free_block_counts[order];
    m_nonempty_orders |= 1u << order;
}

void BuddyAllocator::unlink(PageIndex index, unsigned order)
{
    PhysicalPage& page = (*m_pages)[index];
    if (page.prev != no_page)
        (*m_pages)[page.prev].next = page.next;
    else
        m_free_heads[order] = page.next;
    if (page.next != no_page)
        (*m_pages)[page.next].prev = page.prev;
    page.state = PageState::Tail;
    if (--m_free_block_counts[order] == 0)
        m_nonempty_orders &= ~(1u << order);
}

void BuddyAllocator::add_free_range(uint64_t start_pfn, uint64_t end_pfn)
{
    if (start_pfn < m_first_pfn)
        start_pfn = m_first_pfn;
    if (end_pfn > m_end_pfn)
        end_pfn = m_end_pfn;
    while (start_pfn < end_pfn) {
        // The largest naturally aligned block that starts here and fits.
        unsigned order = start_pfn == 0 ? max_order : static_cast<unsigned>(std::countr_zero(start_pfn));
        if (order > max_order)
            order = max_order;
        while ((1ull << order) > end_pfn - start_pfn)
            --order;
        PhysicalPage& head = m_pages->at_pfn(start_pfn);
        VERIFY(head.state == PageState::Reserved);
        m_total_pages += 1ull << order;
        m_free_pages += 1ull << order;
        release_block(start_pfn, order);
        start_pfn += 1ull << order;
    }
}

Result<uint64_t> BuddyAllocator::allocate(unsigned order)
{
    if (order > max_order)
        return Error::OutOfMemory;
    uint32_t candidates = m_nonempty_orders & ~((1u << order) - 1);
    if (candidates == 0)
        return Error::OutOfMemory;
    unsigned block_order = static_cast<unsigned>(std::countr_zero(candidates));
    PageIndex head = m_free_heads[block_order];
    unlink(head, block_order);
    // Split: keep the lower half, give the upper half back, until the block is small enough.
    while (block_order > order) {
        --block_order;
        push(head + (PageIndex(1) << block_order), block_order);
    }
    PhysicalPage& page = (*m_pages)[head];
    page.state = PageState::Allocated;
    page.order = static_cast<uint8_t>(order);
    page.owner = PageOwner::Generic;
    m_free_pages -= 1ull << order;
    return m_pages->pfn_of(head);
}

void BuddyAllocator::free(uint64_t pfn)
{
    if (!owns(pfn))
        PANIC("freeing physical frame {:#x} that this allocator does not manage", pfn);
    PhysicalPage& page = m_pages->at_pfn(pfn);
    if (page.state != PageState::Allocated)
        PANIC("freeing physical frame {:#x} that is not an allocated block (double free?)", pfn);
    m_free_pages += 1ull << page.order;
    release_block(pfn, page.order);
}

void BuddyAllocator::release_block(uint64_t pfn, unsigned order)
{
    m_pages->at_pfn(pfn).state = PageState::Tail;
    while (order < max_order) {
        uint64_t buddy_pfn = pfn ^ (1ull << order);
        if (!owns(buddy_pfn))
            break;
        // The buddy must itself be entirely inside this allocator to be a free block.
        PhysicalPage& buddy = m_pages->at_pfn(buddy_pfn);
        if (buddy.state != PageState::Free || buddy.order != order)
            break;
        unlink(m_pages->index_of_pfn(buddy_pfn), order);
        pfn &= ~(1ull << order);
        ++order;
    }
    push(m_pages->index_of_pfn(pfn), order);
}

int BuddyAllocator::largest_free_order() const
{
    if (m_nonempty_orders == 0)
        return -1;
    return 31 - std::countl_zero(m_nonempty_orders);
}

} // namespace gehri::mm

#pragma once

#include <kernel/lib/Result.h>
#include <kernel/mm/PhysicalPage.h>

namespace gehri::mm {

// A binary buddy allocator over the frames [first_pfn, end_pfn) of a PageArray. A block of
// order k is 2^k frames whose first frame number is a multiple of 2^k, so a block's buddy is
// found by flipping one bit and an order-9 block is a naturally aligned 2 MiB. Free blocks sit
// on one intrusive list per order, threaded through the metadata; a bit mask of non-empty
// lists makes allocation O(max_order) and freeing coalesces in O(max_order). It never reads or
// writes the frames themselves. Not locked: its owner (PhysicalMemory) serializes calls.
class BuddyAllocator {
public:
    static constexpr unsigned max_order = 12; // 16 MiB blocks

    BuddyAllocator() = default;
    BuddyAllocator(PageArray& pages, uint64_t first_pfn, uint64_t end_pfn) { initialize(pages, first_pfn, end_pfn); }
    // Starts over, empty, managing [first_pfn, end_pfn) clipped to `pages`.
    void initialize(PageArray& pages, uint64_t first_pfn, uint64_t end_pfn);
    BuddyAllocator(const BuddyAllocator&) = delete;
    BuddyAllocator& operator=(const BuddyAllocator&) = delete;

    // Hands the frames [start_pfn, end_pfn) (clipped to this allocator) over as free memory.
    // They must be Reserved until now, i.e. never added before.
    void add_free_range(uint64_t start_pfn, uint64_t end_pfn);

    // The first frame of a free block of 2^order frames, or OutOfMemory.
    Result<uint64_t> allocate(unsigned order);
    // Frees the block that `pfn` heads (its order is remembered); panics on a frame that is not
    // the head of an allocated block, which catches double frees.
    void free(uint64_t pfn);

    bool owns(uint64_t pfn) const { return pfn >= m_first_pfn && pfn < m_end_pfn; }
    uint64_t total_pages() const { return m_total_pages; }
    uint64_t free_pages() const { return m_free_pages; }
    uint64_t free_blocks(unsigned order) const { return m_free_block_counts[order]; }
    // The largest order that can be allocated right now, or -1 when empty.
    int largest_free_order() const;

private:
    void push(PageIndex index, unsigned order);
    void unlink(PageIndex index, unsigned order);
    void release_block(uint64_t pfn, unsigned order);

    PageArray* m_pages { nullptr };
    uint64_t m_first_pfn { 0 };
    uint64_t m_end_pfn { 0 };
    PageIndex m_free_heads[max_order + 1] {};
    uint64_t m_free_block_counts[max_order + 1] {};
    uint32_t m_nonempty_orders { 0 };
    uint64_t m_total_pages { 0 };
    uint64_t m_free_pages { 0 };
};

} // namespace gehri::mm

#pragma once

#include <kernel/log/Panic.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::mm {

// Index of a page in the PageArray (not a frame number: that is first_pfn + index).
using PageIndex = uint32_t;
constexpr PageIndex no_page = 0xFFFFFFFF;

enum class PageState : uint8_t {
    Reserved = 0, // never handed out: a hole, firmware, the kernel image, boot data
    Free,         // head of a free buddy block of `order`
    Allocated,    // head of an allocated block of `order`
    Tail,         // inside a block whose head is elsewhere
};

// Who holds an allocated block, so that a pointer can be traced back to its allocator.
enum class PageOwner : uint8_t { None = 0, Generic, PageTable, HeapSlab, HeapLarge, KernelStack, AgentMemory };
constexpr size_t page_owner_count = 7;

// Metadata of one physical page frame, kept apart from the page itself so that the
// allocator never touches the memory it manages (and runs on the host with fake addresses).
// `next`/`prev` link the buddy free lists while a block is free; once allocated they belong
// to the owner (the heap links its partially used slabs through them).
struct PhysicalPage {
    PageIndex next;
    PageIndex prev;
    uint8_t order;
    PageState state;
    PageOwner owner;
    uint8_t slab_class;
    uint16_t slab_free;   // first free object of a slab page
    uint16_t slab_in_use; // objects handed out from a slab page
};
static_assert(sizeof(PhysicalPage) == 16);

// The metadata for a contiguous span of frames [first_pfn, first_pfn + count), holes included.
// All-zero memory is a valid array of Reserved pages.
class PageArray {
public:
    constexpr PageArray() = default;
    PageArray(PhysicalPage* pages, uint64_t first_pfn, uint64_t count)
        : m_pages(pages)
        , m_first_pfn(first_pfn)
        , m_count(count)
    {
        VERIFY(count < no_page);
    }

    uint64_t first_pfn() const { return m_first_pfn; }
    uint64_t end_pfn() const { return m_first_pfn + m_count; }
    uint64_t count() const { return m_count; }
    bool contains_pfn(uint64_t pfn) const { return pfn >= m_first_pfn && pfn - m_first_pfn < m_count; }

    PageIndex index_of_pfn(uint64_t pfn) const { return static_cast<PageIndex>(pfn - m_first_pfn); }
    uint64_t pfn_of(PageIndex index) const { return m_first_pfn + index; }
    PageIndex index_of(const PhysicalPage& page) const { return static_cast<PageIndex>(&page - m_pages); }

    PhysicalPage& operator[](PageIndex index) { return m_pages[index]; }
    const PhysicalPage& operator[](PageIndex index) const { return m_pages[index]; }
    PhysicalPage& at_pfn(uint64_t pfn) { return m_pages[index_of_pfn(pfn)]; }

private:
    PhysicalPage* m_pages { nullptr };
    uint64_t m_first_pfn { 0 };
    uint64_t m_count { 0 };
};

} // namespace gehri::mm

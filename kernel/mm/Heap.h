#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/mm/SizeClasses.h>

namespace gehri::mm {

// The kernel heap. Requests up to 2 KiB come from slabs: one page per slab, cut into objects
// of one size class, with the slab's bookkeeping in its PhysicalPage (free-list head, count,
// list links), so a page holds nothing but objects. Larger requests take a whole buddy block
// (2^k pages). Every size class has its own lock; pages come from PhysicalMemory, reached
// through its direct map. Each class keeps at most one empty slab cached; the rest go back.
class Heap {
public:
    static constexpr size_t default_alignment = size_classes::min_alignment;

    explicit Heap(PhysicalMemory& memory)
        : m_memory(memory)
    {
    }
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    static Heap& the();

    // At least `size` bytes aligned to `alignment` (a power of two), uninitialized.
    // InvalidArgument for a bad alignment, OutOfMemory when memory runs out.
    Result<void*> allocate(size_t size, size_t alignment = default_alignment);
    // Frees what allocate returned (null is ignored). Panics on a pointer the heap did not hand
    // out and on a detected double free.
    void free(void* pointer);
    // How many bytes the allocation at `pointer` really has (its class size or its pages).
    size_t usable_size(const void* pointer);
    // Returns every cached empty slab to PhysicalMemory.
    void release_empty_slabs();

    struct Statistics {
        uint64_t slab_pages;         // pages held by slabs, empty cached ones included
        uint64_t large_pages;        // pages held by large allocations
        uint64_t small_allocations;  // live objects in slabs
        uint64_t large_allocations;  // live large allocations
    };
    Statistics statistics() const;

private:
    struct SlabClass {
        mutable Spinlock lock;
        PageIndex partial { no_page }; // slabs with at least one free object
        uint32_t empty_slabs { 0 };
        uint64_t pages { 0 };
        uint64_t live_objects { 0 };
    };

    Result<void*> allocate_small(unsigned size_class);
    Result<void*> allocate_large(size_t size, size_t alignment);
    Result<void> add_slab(SlabClass& slab_class, unsigned size_class);
    void free_small(PhysicalPage& page, void* pointer);
    void link(SlabClass& slab_class, PhysicalPage& page);
    void unlink(SlabClass& slab_class, PhysicalPage& page);
    uint8_t* slab_base(const PhysicalPage& page);
    PhysicalPage& page_of(const void* pointer, const char* operation);

    PhysicalMemory& m_memory;
    SlabClass m_classes[size_classes::count];
    uint64_t m_large_pages { 0 };
    uint64_t m_large_allocations { 0 };
};

} // namespace gehri::mm

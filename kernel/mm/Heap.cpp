#include <bit>
#include <kernel/mm/Heap.h>
#include <string.h>

namespace gehri::mm {

namespace {

constexpr uint16_t no_object = 0xFFFF;
// Written into a freed object (after its free-list link) so that freeing it again is caught.
constexpr uint64_t freed_marker = 0xF4EEF4EEDEADF4EEull;

struct FreeObject {
    uint16_t next;
    uint16_t padding[3];
    uint64_t marker;
};
static_assert(sizeof(FreeObject) <= size_classes::sizes[0]);

FreeObject& free_object(uint8_t* base, unsigned size_class, uint16_t index)
{
    return *reinterpret_cast<FreeObject*>(base + size_t(index) * size_classes::sizes[size_class]);
}

Heap s_heap(PhysicalMemory::the());

} // namespace

Heap& Heap::the() { return s_heap; }

uint8_t* Heap::slab_base(const PhysicalPage& page) { return m_memory.to_virtual<uint8_t>(m_memory.address_of(page)); }

void Heap::link(SlabClass& slab_class, PhysicalPage& page)
{
    auto& pages = m_memory.pages();
    PageIndex index = pages.index_of(page);
    page.prev = no_page;
    page.next = slab_class.partial;
    if (page.next != no_page)
        pages[page.next].prev = index;
    slab_class.partial = index;
}

void Heap::unlink(SlabClass& slab_class, PhysicalPage& page)
{
    auto& pages = m_memory.pages();
    if (page.prev != no_page)
        pages[page.prev].next = page.next;
    else
        slab_class.partial = page.next;
    if (page.next != no_page)
        pages[page.next].prev = page.prev;
    page.next = page.prev = no_page;
}

Result<void*> Heap::allocate(size_t size, size_t alignment)
{
    if (alignment == 0 || !std::has_single_bit(alignment))
        return Error::InvalidArgument;
    if (!m_memory.is_initialized())
        PANIC("heap allocation of {} bytes before the memory manager is up", size);
    int size_class = size_classes::class_for(size, alignment);
    if (size_class != size_classes::none)
        return allocate_small(static_cast<unsigned>(size_class));
    return allocate_large(size, alignment);
}

Result<void> Heap::add_slab(SlabClass& slab_class, unsigned size_class)
{
    PhysicalAddress address = TRY(m_memory.allocate(0, MemoryZone::Any, PageOwner::HeapSlab));
    PhysicalPage& page = *m_memory.page(address);
    unsigned objects = size_classes::objects_per_slab(size_class);
    uint8_t* base = slab_base(page);
    for (unsigned i = 0; i < objects; ++i) {
        auto& object = free_object(base, size_class, static_cast<uint16_t>(i));
        object.next = i + 1 < objects ? static_cast<uint16_t>(i + 1) : no_object;
        object.marker = freed_marker;
    }
    page.slab_class = static_cast<uint8_t>(size_class);
    page.slab_free = 0;
    page.slab_in_use = 0;
    link(slab_class, page);
    ++slab_class.empty_slabs;
    ++slab_class.pages;
    return {};
}

Result<void*> Heap::allocate_small(unsigned size_class)
{
    SlabClass& slab_class = m_classes[size_class];
    InterruptSafeGuard guard(slab_class.lock);
    if (slab_class.partial == no_page)
        TRY(add_slab(slab_class, size_class));
    PhysicalPage& page = m_memory.pages()[slab_class.partial];
    auto& object = free_object(slab_base(page), size_class, page.slab_free);
    page.slab_free = object.next;
    object.marker = 0;
    if (page.slab_in_use++ == 0)
        --slab_class.empty_slabs;
    if (page.slab_free == no_object)
        unlink(slab_class, page);
    ++slab_class.live_objects;
    return static_cast<void*>(&object);
}

Result<void*> Heap::allocate_large(size_t size, size_t alignment)
{
    uint64_t pages = align_up(size, page_size) / page_size;
    if (pages == 0 || size > (page_size << PhysicalMemory::max_order))
        return Error::OutOfMemory;
    unsigned order = static_cast<unsigned>(std::bit_width(pages - 1));
    while ((page_size << order) < alignment)
        ++order;
    if (order > PhysicalMemory::max_order)
        return Error::OutOfMemory;
    PhysicalAddress address = TRY(m_memory.allocate(order, MemoryZone::Any, PageOwner::HeapLarge));
    __atomic_add_fetch(&m_large_pages, uint64_t(1) << order, __ATOMIC_RELAXED);
    __atomic_add_fetch(&m_large_allocations, 1, __ATOMIC_RELAXED);
    return m_memory.to_virtual(address);
}

PhysicalPage& Heap::page_of(const void* pointer, const char* operation)
{
    PhysicalAddress address = m_memory.to_physical(pointer);
    PhysicalPage* page = m_memory.page(address);
    if (page == nullptr || page->state != PageState::Allocated
        || (page->owner != PageOwner::HeapSlab && page->owner != PageOwner::HeapLarge))
        PANIC("heap {} of {}, which the heap did not hand out", operation, pointer);
    if (page->owner == PageOwner::HeapLarge && address % page_size != 0)
        PANIC("heap {} of {}, inside a large allocation rather than at its start", operation, pointer);
    return *page;
}

void Heap::free(void* pointer)
{
    if (pointer == nullptr)
        return;
    PhysicalPage& page = page_of(pointer, "free");
    if (page.owner == PageOwner::HeapSlab) {
        free_small(page, pointer);
        return;
    }
    uint64_t pages = uint64_t(1) << page.order;
    m_memory.free(m_memory.to_physical(pointer));
    __atomic_sub_fetch(&m_large_pages, pages, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&m_large_allocations, 1, __ATOMIC_RELAXED);
}

void Heap::free_small(PhysicalPage& page, void* pointer)
{
    unsigned size_class = page.slab_class;
    SlabClass& slab_class = m_classes[size_class];
    InterruptSafeGuard guard(slab_class.lock);
    uint8_t* base = slab_base(page);
    size_t offset = static_cast<uint8_t*>(pointer) - base;
    if (offset % size_classes::sizes[size_class] != 0)
        PANIC("heap free of {}, which is not the start of a {}-byte object", pointer, size_classes::sizes[size_class]);
    auto index = static_cast<uint16_t>(offset / size_classes::sizes[size_class]);
    auto& object = free_object(base, size_class, index);
    if (object.marker == freed_marker) {
        // Maybe user data that happens to match: confirm by looking for it on the free list.
        for (uint16_t free = page.slab_free; free != no_object; free = free_object(base, size_class, free).next) {
            if (free == index)
                PANIC("heap double free of {}", pointer);
        }
    }
    VERIFY(page.slab_in_use > 0);
    bool was_full = page.slab_free == no_object;
    object.next = page.slab_free;
    object.marker = freed_marker;
    page.slab_free = index;
    --slab_class.live_objects;
    if (was_full)
        link(slab_class, page);
    if (--page.slab_in_use > 0)
        return;
    if (slab_class.empty_slabs == 0) {
        ++slab_class.empty_slabs; // keep one empty slab so a free/alloc cycle costs no page
        return;
    }
    unlink(slab_class, page);
    --slab_class.pages;
    m_memory.free(m_memory.address_of(page));
}

size_t Heap::usable_size(const void* pointer)
{
    PhysicalPage& page = page_of(pointer, "usable_size");
    if (page.owner == PageOwner::HeapSlab)
        return size_classes::sizes[page.slab_class];
    return page_size << page.order;
}

void Heap::release_empty_slabs()
{
    for (auto& slab_class : m_classes) {
        InterruptSafeGuard guard(slab_class.lock);
        PageIndex index = slab_class.partial;
        while (index != no_page) {
            PhysicalPage& page = m_memory.pages()[index];
            index = page.next;
            if (page.slab_in_use != 0)
                continue;
            unlink(slab_class, page);
            --slab_class.pages;
            --slab_class.empty_slabs;
            m_memory.free(m_memory.address_of(page));
        }
    }
}

Heap::Statistics Heap::statistics() const
{
    Statistics statistics {};
    for (auto& slab_class : m_classes) {
        InterruptSafeGuard guard(slab_class.lock);
        statistics.slab_pages += slab_class.pages;
        statistics.small_allocations += slab_class.live_objects;
    }
    statistics.large_pages = __atomic_load_n(&m_large_pages, __ATOMIC_RELAXED);
    statistics.large_allocations = __atomic_load_n(&m_large_allocations, __ATOMIC_RELAXED);
    return statistics;
}

} // namespace gehri::mm

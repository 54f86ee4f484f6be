#pragma once

#include <kernel/lib/OwnPtr.h>
#include <kernel/mm/AddressSpace.h>
#include <stddef.h>

namespace gehri::agent {

// An agent's address space and the memory mapped into its lower half. Every page it maps is
// a fresh zeroed frame of its own (PageOwner::AgentMemory), user-accessible, with the
// permissions asked for; release() (or destruction) unmaps and frees them all and then the
// page tables. Regions are remembered as ranges, so releasing needs no allocation.
class UserAddressSpace {
public:
    static constexpr size_t max_regions = 24;

    static Result<OwnPtr<UserAddressSpace>> create();
    ~UserAddressSpace() { release(); }
    UserAddressSpace(const UserAddressSpace&) = delete;
    UserAddressSpace& operator=(const UserAddressSpace&) = delete;

    // Maps [start, end) (page-aligned, in user space, not overlapping a mapped region) with
    // fresh zeroed pages. `flags` may hold Writable and NoExecute; User is implied. Before a
    // page is mapped, fill(page_address, bytes) may initialize its 4096 bytes through the
    // kernel's view. On failure nothing of the region stays mapped. InvalidArgument,
    // AlreadyExists (overlap), OutOfRange (too many regions), OutOfMemory.
    template<typename Fill>
    Result<void> map_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags, Fill fill);
    Result<void> map_zeroed_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags)
    {
        return map_region(start, end, flags, [](mm::VirtualAddress, uint8_t*) { });
    }

    // Unmaps and frees every region, then the page tables. The address space must not be
    // loaded on any CPU. Idempotent.
    void release();

    bool is_released() const { return !m_space; }
    mm::AddressSpace& space() { return *m_space; }
    uint64_t page_table_root() const { return m_space ? m_space->root_table() : 0; }
    uint64_t mapped_bytes() const;
    size_t region_count() const { return m_region_count; }

private:
    struct Region {
        mm::VirtualAddress start;
        mm::VirtualAddress end; // mapped so far: pages [start, end)
    };

    explicit UserAddressSpace(OwnPtr<mm::AddressSpace> space)
        : m_space(std::move(space))
    {
    }
    Result<Region*> begin_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags);
    // Allocates, zeroes and returns a frame with its kernel view.
    Result<mm::PhysicalAddress> allocate_page(uint8_t*& bytes);
    Result<void> map_page(Region& region, mm::PhysicalAddress frame, mm::PageFlags flags);
    void abandon_region(Region& region);
    void unmap_region(const Region& region);

    OwnPtr<mm::AddressSpace> m_space;
    Region m_regions[max_regions] {};
    size_t m_region_count { 0 };
};

template<typename Fill>
Result<void> UserAddressSpace::map_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags, Fill fill)
{
    Region* region = TRY(begin_region(start, end, flags));
    for (mm::VirtualAddress page = start; page < end; page += mm::page_size) {
        uint8_t* bytes = nullptr;
        auto frame = allocate_page(bytes);
        if (frame.is_error()) {
            abandon_region(*region);
            return frame.error();
        }
        fill(page, bytes);
        auto mapped = map_page(*region, frame.value(), flags);
        if (mapped.is_error()) {
            abandon_region(*region);
            return mapped.error();
        }
    }
    return {};
}

} // namespace gehri::agent

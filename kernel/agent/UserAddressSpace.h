#pragma once

#include <kernel/agent/SharedPages.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/mm/AddressSpace.h>
#include <stddef.h>

namespace gehri::agent {

// An agent's address space, the memory mapped into its lower half, and its memory quota.
//
// Every page it maps is a fresh zeroed frame of its own (PageOwner::AgentMemory),
// user-accessible, with the permissions asked for, except shared regions (map_shared: a
// memory object, a program's read-only segments), whose frames others map too. A region is either eager (every page
// allocated and mapped when the region is made: program segments) or demand-zero (only
// reserved; a page is allocated and mapped on the first touch, by resolve_fault: stacks and
// heap memory). release() (or destruction) unmaps and frees them all and then the page tables.
// Regions are remembered as ranges, so releasing needs no allocation. Their array starts with
// room for initial_regions (program segments and a stack) and doubles as needed up to
// max_regions, so an agent that maps little pays little.
//
// The quota bounds the bytes committed: every region counts in full when it is made (so a
// demand-zero page never fails for quota on its first touch), and so does memory set aside
// with charge() (the quotas of the agent's children). What would exceed it is QuotaExceeded.
//
// Thread-safe: one interrupt-safe lock (page faults of the agent's threads take it too).
class UserAddressSpace {
public:
    static constexpr size_t max_regions = 64;
    static constexpr size_t initial_regions = 8;
    static constexpr uint64_t unlimited = ~uint64_t(0);

    static Result<OwnPtr<UserAddressSpace>> create(uint64_t quota_bytes = unlimited);
    ~UserAddressSpace();
    UserAddressSpace(const UserAddressSpace&) = delete;
    UserAddressSpace& operator=(const UserAddressSpace&) = delete;

    // Maps [start, end) (page-aligned, in user space, not overlapping a region) with fresh
    // zeroed pages. `flags` may hold Writable and NoExecute; User is implied. Before a page is
    // mapped, fill(page_address, bytes) may initialize its 4096 bytes through the kernel's view
    // (it runs under the lock: it must not touch this object). On failure nothing of the region
    // stays mapped. InvalidArgument, AlreadyExists (overlap), OutOfRange (too many regions),
    // QuotaExceeded, OutOfMemory (also for a longer region array).
    template<typename Fill>
    Result<void> map_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags, Fill fill);
    Result<void> map_zeroed_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags)
    {
        return map_region(start, end, flags, [](mm::VirtualAddress, uint8_t*) { });
    }
    // Reserves [start, end) as demand-zero memory: nothing is allocated until touched. The
    // same checks and errors as map_region (but no OutOfMemory for the pages).
    Result<void> reserve_demand_zero(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags);
    // Maps every page of `pages` at [start, start + pages.size()), shared with whoever else maps
    // them. The region holds a reference to the pages until it is unmapped. Its bytes count
    // against the quota only with Charge::Yes (a program's shared text: as if it were a copy),
    // not for a memory object (its creator pays for it). Errors as map_region.
    enum class Charge : bool { No, Yes };
    Result<void> map_shared(mm::VirtualAddress start, mm::PageFlags flags, SharedPages& pages, Charge charge = Charge::No);
    // Maps the physical range [physical, physical + length) (page multiples) at `start`: device
    // memory such as a framebuffer, which belongs to no allocator. Its frames are never freed
    // (unmapping only removes the mapping) and its bytes are not charged. Errors as map_region.
    Result<void> map_device(mm::VirtualAddress start, mm::PhysicalAddress physical, uint64_t length, mm::PageFlags flags);
    // A free page-aligned range of `length` bytes with a free page on both sides (guards),
    // between `low` and `high`, as high as possible. NotFound if there is none.
    Result<mm::VirtualAddress> find_free_range(uint64_t length, mm::VirtualAddress low, mm::VirtualAddress high) const;
    // Unmaps the region that is exactly [start, end), frees its pages and gives its bytes
    // back to the quota. NotFound if no region is exactly that.
    Result<void> unmap_region(mm::VirtualAddress start, mm::VirtualAddress end);

    enum class FaultResolution {
        Resolved, // the page was demand-zero and is mapped now: retry the access
        NotResolvable, // no demand-zero region covers it, or the access is not allowed there
        OutOfMemory, // it is demand-zero, but there is no free physical page
    };
    // A not-present fault at `address`: maps a zeroed page if a demand-zero region allows the
    // access (`write`, `execute`).
    FaultResolution resolve_fault(mm::VirtualAddress address, bool write, bool execute);

    // Quota bookkeeping for memory the agent commits elsewhere (its children's quotas).
    Result<void> charge(uint64_t bytes);
    void refund(uint64_t bytes);

    // Unmaps and frees every region, then the page tables. The address space must not be
    // loaded on any CPU. Idempotent.
    void release();

    bool is_released() const { return !m_space; }
    mm::AddressSpace& space() { return *m_space; }
    uint64_t page_table_root() const { return m_space ? m_space->root_table() : 0; }
    uint64_t quota() const { return __atomic_load_n(&m_quota, __ATOMIC_ACQUIRE); }
    // Raises or lowers the quota (a collective resource effect, docs/collective.md). Lowered
    // below what is committed, it takes nothing away: new commitments fail until it is not.
    void set_quota(uint64_t bytes);
    uint64_t committed_bytes() const;
    uint64_t resident_bytes() const; // pages actually allocated
    uint64_t mapped_bytes() const; // bytes covered by regions
    size_t region_count() const;
    size_t region_capacity() const; // room in the region array now (initial_regions .. max_regions)

private:
    struct Region {
        mm::VirtualAddress start;
        mm::VirtualAddress end; // eager: mapped so far, pages [start, end); demand-zero: the whole range
        mm::PageFlags flags;
        bool demand_zero;
        bool charged; // its bytes count in m_committed
        bool device { false }; // device memory: its frames are nobody's to free
        SharedPages* shared { nullptr }; // one reference while mapped; its frames are not ours
    };

    UserAddressSpace(OwnPtr<mm::AddressSpace> space, Region* regions, uint64_t quota)
        : m_space(std::move(space))
        , m_regions(regions)
        , m_quota(quota)
    {
    }
    // Lock held: room for one more region (OutOfRange at max_regions, OutOfMemory).
    Result<void> make_room_for_region();
    // Lock held.
    Result<Region*> begin_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags, bool demand_zero, bool charged = true);
    void end_shared(Region& region);
    Result<mm::PhysicalAddress> allocate_page(uint8_t*& bytes);
    Result<void> map_page(mm::VirtualAddress address, mm::PhysicalAddress frame, mm::PageFlags flags);
    void abandon_region(Region& region, uint64_t reserved_bytes);
    void unmap_pages(const Region& region);
    void remove_region(size_t index);

    OwnPtr<mm::AddressSpace> m_space;
    mutable Spinlock m_lock; // everything below
    Region* m_regions; // m_region_capacity of them, owned
    size_t m_region_capacity { initial_regions };
    size_t m_region_count { 0 };
    uint64_t m_quota;
    uint64_t m_committed { 0 };
    uint64_t m_resident { 0 };
};

template<typename Fill>
Result<void> UserAddressSpace::map_region(mm::VirtualAddress start, mm::VirtualAddress end, mm::PageFlags flags, Fill fill)
{
    InterruptSafeGuard guard(m_lock);
    Region* region = TRY(begin_region(start, end, flags, false));
    for (mm::VirtualAddress page = start; page < end; page += mm::page_size) {
        uint8_t* bytes = nullptr;
        auto frame = allocate_page(bytes);
        if (frame.is_error()) {
            abandon_region(*region, end - start);
            return frame.error();
        }
        fill(page, bytes);
        auto mapped = map_page(page, frame.value(), flags);
        if (mapped.is_error()) {
            abandon_region(*region, end - start);
            return mapped.error();
        }
        region->end += mm::page_size;
    }
    return {};
}

} // namespace gehri::agent

#include <kernel/agent/ProgramPages.h>
#include <kernel/agent/UserAddressSpace.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/PhysicalMemory.h>
#include <string.h>

namespace gehri::agent {

using mm::PageFlags;

Result<OwnPtr<UserAddressSpace>> UserAddressSpace::create(uint64_t quota_bytes)
{
    auto space = TRY(mm::AddressSpace::create());
    auto* regions = new (std::nothrow) Region[initial_regions];
    if (regions == nullptr)
        return Error::OutOfMemory;
    auto created = adopt_own_if_nonnull(new (std::nothrow) UserAddressSpace(std::move(space), regions, quota_bytes));
    if (created.is_error())
        delete[] regions;
    return created;
}

UserAddressSpace::~UserAddressSpace()
{
    release();
    delete[] m_regions;
}

Result<void> UserAddressSpace::make_room_for_region()
{
    if (m_region_count < m_region_capacity)
        return {};
    if (m_region_capacity == max_regions)
        return Error::OutOfRange;
    size_t capacity = m_region_capacity * 2 < max_regions ? m_region_capacity * 2 : max_regions;
    // Under the lock (interrupts off): the heap's locks are interrupt-safe, and a region is
    // added while the lock is held throughout.
    auto* regions = new (std::nothrow) Region[capacity];
    if (regions == nullptr)
        return Error::OutOfMemory;
    for (size_t i = 0; i < m_region_count; ++i)
        regions[i] = m_regions[i];
    delete[] m_regions;
    m_regions = regions;
    m_region_capacity = capacity;
    return {};
}

Result<UserAddressSpace::Region*> UserAddressSpace::begin_region(mm::VirtualAddress start, mm::VirtualAddress end, PageFlags flags, bool demand_zero,
    bool charged)
{
    if (!m_space)
        return Error::InvalidArgument;
    if (start % mm::page_size != 0 || end % mm::page_size != 0 || start == 0 || start >= end || end > mm::user_space_end)
        return Error::InvalidArgument;
    if ((flags & ~(PageFlags::Writable | PageFlags::NoExecute)) != PageFlags::None)
        return Error::InvalidArgument;
    for (size_t i = 0; i < m_region_count; ++i) {
        if (start < m_regions[i].end && m_regions[i].start < end)
            return Error::AlreadyExists;
    }
    TRY(make_room_for_region());
    uint64_t length = charged ? end - start : 0;
    if (length > m_quota - m_committed || m_committed > m_quota)
        return Error::QuotaExceeded;
    m_committed += length;
    Region& region = m_regions[m_region_count++];
    region = { start, demand_zero ? end : start, flags, demand_zero, charged, false, nullptr };
    return &region;
}

Result<void> UserAddressSpace::map_shared(mm::VirtualAddress start, PageFlags flags, SharedPages& pages, Charge charge)
{
    InterruptSafeGuard guard(m_lock);
    if (start > mm::user_space_end || pages.size() > mm::user_space_end - start)
        return Error::InvalidArgument;
    Region* region = TRY(begin_region(start, start + pages.size(), flags, false, charge == Charge::Yes));
    pages.ref();
    region->shared = &pages;
    for (size_t i = 0; i < pages.page_count(); ++i) {
        auto mapped = m_space->map(start + i * mm::page_size, pages.frame(i), flags | PageFlags::User);
        if (mapped.is_error()) {
            unmap_pages(*region);
            if (region->charged)
                m_committed -= pages.size();
            end_shared(*region);
            --m_region_count;
            return mapped.error();
        }
        region->end += mm::page_size;
    }
    return {};
}

Result<void> UserAddressSpace::map_device(mm::VirtualAddress start, mm::PhysicalAddress physical, uint64_t length, PageFlags flags)
{
    if (physical % mm::page_size != 0 || length == 0 || length % mm::page_size != 0 || physical + length < physical)
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    if (start > mm::user_space_end || length > mm::user_space_end - start)
        return Error::InvalidArgument;
    Region* region = TRY(begin_region(start, start + length, flags, false, false));
    region->device = true;
    for (uint64_t offset = 0; offset < length; offset += mm::page_size) {
        auto mapped = m_space->map(start + offset, physical + offset, flags | PageFlags::User);
        if (mapped.is_error()) {
            unmap_pages(*region);
            --m_region_count;
            return mapped.error();
        }
        region->end += mm::page_size;
    }
    return {};
}

void UserAddressSpace::end_shared(Region& region)
{
    // Under our lock: dropping the last reference frees the frames (PhysicalMemory's own lock).
    if (SharedPages* pages = region.shared) {
        region.shared = nullptr;
        pages->unref();
        // The last agent of a program gone: its shared text goes too.
        release_program_pages_if_unused(pages);
    }
}

Result<void> UserAddressSpace::reserve_demand_zero(mm::VirtualAddress start, mm::VirtualAddress end, PageFlags flags)
{
    InterruptSafeGuard guard(m_lock);
    TRY(begin_region(start, end, flags, true));
    return {};
}

Result<mm::VirtualAddress> UserAddressSpace::find_free_range(uint64_t length, mm::VirtualAddress low, mm::VirtualAddress high) const
{
    if (length == 0 || length % mm::page_size != 0 || low >= high || high > mm::user_space_end || length > high - low)
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    // Candidates: just below `high`, and just below each region's guard page. Keep the
    // highest that fits with a free page on each side.
    auto fits = [&](mm::VirtualAddress start) {
        if (start < low + mm::page_size || start + length + mm::page_size > high)
            return false;
        for (size_t i = 0; i < m_region_count; ++i) {
            if (start - mm::page_size < m_regions[i].end && m_regions[i].start < start + length + mm::page_size)
                return false;
        }
        return true;
    };
    mm::VirtualAddress best = 0;
    auto consider = [&](mm::VirtualAddress top) {
        if (top < length + mm::page_size || top > high)
            return;
        mm::VirtualAddress start = top - mm::page_size - length;
        if (start > best && fits(start))
            best = start;
    };
    consider(high);
    for (size_t i = 0; i < m_region_count; ++i)
        consider(m_regions[i].start);
    if (best == 0)
        return Error::NotFound;
    return best;
}

Result<mm::PhysicalAddress> UserAddressSpace::allocate_page(uint8_t*& bytes)
{
    auto& memory = mm::PhysicalMemory::the();
    mm::PhysicalAddress frame = TRY(memory.allocate(0, mm::MemoryZone::Any, mm::PageOwner::AgentMemory));
    bytes = memory.to_virtual<uint8_t>(frame);
    memset(bytes, 0, mm::page_size);
    return frame;
}

Result<void> UserAddressSpace::map_page(mm::VirtualAddress address, mm::PhysicalAddress frame, PageFlags flags)
{
    auto mapped = m_space->map(address, frame, flags | PageFlags::User);
    if (mapped.is_error()) {
        mm::PhysicalMemory::the().free(frame);
        return mapped.error();
    }
    ++m_resident;
    return {};
}

void UserAddressSpace::unmap_pages(const Region& region)
{
    for (mm::VirtualAddress page = region.start; page < region.end; page += mm::page_size) {
        auto frame = m_space->unmap(page);
        if (region.shared != nullptr || region.device)
            continue; // the frames belong to the shared pages, or to the device
        if (frame.is_error()) {
            // Only demand-zero regions have holes: the pages never touched.
            VERIFY(region.demand_zero);
            continue;
        }
        mm::PhysicalMemory::the().free(frame.value());
        --m_resident;
    }
}

void UserAddressSpace::remove_region(size_t index)
{
    for (size_t i = index; i + 1 < m_region_count; ++i)
        m_regions[i] = m_regions[i + 1];
    --m_region_count;
}

void UserAddressSpace::abandon_region(Region& region, uint64_t reserved_bytes)
{
    // Only the newest region can be abandoned (map_region fills one region at a time).
    VERIFY(&region == &m_regions[m_region_count - 1]);
    unmap_pages(region);
    m_committed -= reserved_bytes;
    --m_region_count;
}

Result<void> UserAddressSpace::unmap_region(mm::VirtualAddress start, mm::VirtualAddress end)
{
    InterruptSafeGuard guard(m_lock);
    if (!m_space)
        return Error::InvalidArgument;
    for (size_t i = 0; i < m_region_count; ++i) {
        Region& region = m_regions[i];
        if (region.start != start || region.end != end)
            continue;
        unmap_pages(region);
        if (region.charged)
            m_committed -= end - start;
        end_shared(region);
        remove_region(i);
        return {};
    }
    return Error::NotFound;
}

UserAddressSpace::FaultResolution UserAddressSpace::resolve_fault(mm::VirtualAddress address, bool write, bool execute)
{
    InterruptSafeGuard guard(m_lock);
    if (!m_space)
        return FaultResolution::NotResolvable;
    for (size_t i = 0; i < m_region_count; ++i) {
        const Region& region = m_regions[i];
        if (address < region.start || address >= region.end)
            continue;
        if (!region.demand_zero || (write && !has_flag(region.flags, PageFlags::Writable))
            || (execute && has_flag(region.flags, PageFlags::NoExecute)))
            return FaultResolution::NotResolvable;
        mm::VirtualAddress page = mm::align_down(address, mm::page_size);
        // Another thread of the agent may have mapped it since this one faulted.
        if (m_space->translate(page).is_ok())
            return FaultResolution::Resolved;
        uint8_t* bytes = nullptr;
        auto frame = allocate_page(bytes);
        if (frame.is_error())
            return FaultResolution::OutOfMemory;
        if (map_page(page, frame.value(), region.flags).is_error())
            return FaultResolution::OutOfMemory;
        return FaultResolution::Resolved;
    }
    return FaultResolution::NotResolvable;
}

void UserAddressSpace::set_quota(uint64_t bytes)
{
    InterruptSafeGuard guard(m_lock);
    __atomic_store_n(&m_quota, bytes, __ATOMIC_RELEASE);
}

Result<void> UserAddressSpace::charge(uint64_t bytes)
{
    InterruptSafeGuard guard(m_lock);
    if (m_committed > m_quota || bytes > m_quota - m_committed)
        return Error::QuotaExceeded;
    m_committed += bytes;
    return {};
}

void UserAddressSpace::refund(uint64_t bytes)
{
    InterruptSafeGuard guard(m_lock);
    VERIFY(bytes <= m_committed);
    m_committed -= bytes;
}

void UserAddressSpace::release()
{
    OwnPtr<mm::AddressSpace> space;
    {
        InterruptSafeGuard guard(m_lock);
        if (!m_space)
            return;
        for (size_t i = 0; i < m_region_count; ++i) {
            if (m_regions[i].charged)
                m_committed -= m_regions[i].end - m_regions[i].start;
            unmap_pages(m_regions[i]);
            end_shared(m_regions[i]);
        }
        m_region_count = 0;
        space = std::move(m_space);
    }
}

uint64_t UserAddressSpace::committed_bytes() const
{
    InterruptSafeGuard guard(m_lock);
    return m_committed;
}

uint64_t UserAddressSpace::resident_bytes() const
{
    InterruptSafeGuard guard(m_lock);
    return m_resident * mm::page_size;
}

uint64_t UserAddressSpace::mapped_bytes() const
{
    InterruptSafeGuard guard(m_lock);
    uint64_t total = 0;
    for (size_t i = 0; i < m_region_count; ++i)
        total += m_regions[i].end - m_regions[i].start;
    return total;
}

size_t UserAddressSpace::region_count() const
{
    InterruptSafeGuard guard(m_lock);
    return m_region_count;
}

size_t UserAddressSpace::region_capacity() const
{
    InterruptSafeGuard guard(m_lock);
    return m_region_capacity;
}

} // namespace gehri::agent

#include <kernel/agent/UserAddressSpace.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/PhysicalMemory.h>
#include <string.h>

namespace gehri::agent {

using mm::PageFlags;

Result<OwnPtr<UserAddressSpace>> UserAddressSpace::create()
{
    auto space = TRY(mm::AddressSpace::create());
    return adopt_own_if_nonnull(new (std::nothrow) UserAddressSpace(std::move(space)));
}

Result<UserAddressSpace::Region*> UserAddressSpace::begin_region(mm::VirtualAddress start, mm::VirtualAddress end, PageFlags flags)
{
    if (!m_space)
        return Error::InvalidArgument;
    if (start % mm::page_size != 0 || end % mm::page_size != 0 || start >= end || end > mm::user_space_end)
        return Error::InvalidArgument;
    if ((flags & ~(PageFlags::Writable | PageFlags::NoExecute)) != PageFlags::None)
        return Error::InvalidArgument;
    for (size_t i = 0; i < m_region_count; ++i) {
        if (start < m_regions[i].end && m_regions[i].start < end)
            return Error::AlreadyExists;
    }
    if (m_region_count == max_regions)
        return Error::OutOfRange;
    Region& region = m_regions[m_region_count++];
    region = { start, start };
    return &region;
}

Result<mm::PhysicalAddress> UserAddressSpace::allocate_page(uint8_t*& bytes)
{
    auto& memory = mm::PhysicalMemory::the();
    mm::PhysicalAddress frame = TRY(memory.allocate(0, mm::MemoryZone::Any, mm::PageOwner::AgentMemory));
    bytes = memory.to_virtual<uint8_t>(frame);
    memset(bytes, 0, mm::page_size);
    return frame;
}

Result<void> UserAddressSpace::map_page(Region& region, mm::PhysicalAddress frame, PageFlags flags)
{
    auto mapped = m_space->map(region.end, frame, flags | PageFlags::User);
    if (mapped.is_error()) {
        mm::PhysicalMemory::the().free(frame);
        return mapped.error();
    }
    region.end += mm::page_size;
    return {};
}

void UserAddressSpace::unmap_region(const Region& region)
{
    for (mm::VirtualAddress page = region.start; page < region.end; page += mm::page_size) {
        auto frame = m_space->unmap(page);
        VERIFY(frame.is_ok());
        mm::PhysicalMemory::the().free(frame.value());
    }
}

void UserAddressSpace::abandon_region(Region& region)
{
    // Only the newest region can be abandoned (map_region fills one region at a time).
    VERIFY(&region == &m_regions[m_region_count - 1]);
    unmap_region(region);
    --m_region_count;
}

void UserAddressSpace::release()
{
    if (!m_space)
        return;
    for (size_t i = 0; i < m_region_count; ++i)
        unmap_region(m_regions[i]);
    m_region_count = 0;
    m_space.reset();
}

uint64_t UserAddressSpace::mapped_bytes() const
{
    uint64_t total = 0;
    for (size_t i = 0; i < m_region_count; ++i)
        total += m_regions[i].end - m_regions[i].start;
    return total;
}

} // namespace gehri::agent

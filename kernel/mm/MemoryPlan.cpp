#include <kernel/mm/MemoryPlan.h>
#include <kernel/mm/PhysicalPage.h>

namespace gehri::mm {

namespace {

using boot::MemoryRegion;

PhysicalRange range_of(const MemoryRegion& region)
{
    uint64_t end = region.base + region.length;
    if (end < region.base) // a bogus length that wraps: clamp to the top of the address space
        end = ~uint64_t(0);
    return { region.base, end };
}

Result<void> collect_usable(const boot::BootInfo& boot_info, PhysicalRangeList& free)
{
    for (size_t i = 0; i < boot_info.memory_region_count; ++i) {
        if (boot_info.memory_regions[i].kind == MemoryRegion::Kind::Usable)
            TRY(free.add(range_of(boot_info.memory_regions[i])));
    }
    // Maps can overlap; where they disagree, the region that says "not usable" wins.
    for (size_t i = 0; i < boot_info.memory_region_count; ++i) {
        if (boot_info.memory_regions[i].kind != MemoryRegion::Kind::Usable)
            TRY(free.remove(range_of(boot_info.memory_regions[i])));
    }
    return {};
}

Result<void> remove_boot_data(const boot::BootInfo& boot_info, PhysicalRange kernel_image, PhysicalRangeList& free)
{
    TRY(free.remove({ 0, low_memory_end }));
    TRY(free.remove(kernel_image));
    TRY(free.remove({ boot_info.loader_block_physical, boot_info.loader_block_physical + boot_info.loader_block_size }));
    for (size_t i = 0; i < boot_info.module_count; ++i)
        TRY(free.remove({ boot_info.modules[i].start, boot_info.modules[i].end }));
    return {};
}

PhysicalAddress direct_map_end_for(const boot::BootInfo& boot_info)
{
    PhysicalAddress end = boot_direct_map_limit;
    for (size_t i = 0; i < boot_info.memory_region_count; ++i) {
        auto& region = boot_info.memory_regions[i];
        bool is_memory = region.kind == MemoryRegion::Kind::Usable || region.kind == MemoryRegion::Kind::AcpiReclaimable
            || region.kind == MemoryRegion::Kind::AcpiNvs;
        if (is_memory && range_of(region).end > end)
            end = range_of(region).end;
    }
    auto& framebuffer = boot_info.framebuffer;
    PhysicalAddress framebuffer_end = framebuffer.physical_address + uint64_t(framebuffer.pitch) * framebuffer.height;
    if (framebuffer.present() && framebuffer_end > end)
        end = framebuffer_end;
    return align_up(end, large_page_size);
}

Result<PhysicalRange> place_metadata(const PhysicalRangeList& free, uint64_t bytes, PhysicalAddress limit)
{
    for (auto& range : free) {
        if (range.size() >= bytes && range.start + bytes <= limit)
            return PhysicalRange { range.start, range.start + bytes };
    }
    return Error::OutOfMemory;
}

} // namespace

Result<void> plan_physical_memory(const boot::BootInfo& boot_info, PhysicalRange kernel_image, PhysicalAddress metadata_limit, MemoryPlan& out)
{
    out = {};
    TRY(collect_usable(boot_info, out.free));
    out.free.align_inward(page_size);
    uint64_t usable_bytes = out.free.total_bytes();
    TRY(remove_boot_data(boot_info, kernel_image, out.free));
    out.free.align_inward(page_size);
    if (out.free.size() == 0)
        return Error::OutOfMemory;

    out.first_pfn = out.free[0].start >> page_shift;
    out.end_pfn = out.free[out.free.size() - 1].end >> page_shift;
    uint64_t metadata_bytes = align_up((out.end_pfn - out.first_pfn) * sizeof(PhysicalPage), page_size);
    out.metadata = TRY(place_metadata(out.free, metadata_bytes, metadata_limit));
    TRY(out.free.remove(out.metadata));
    if (out.free.size() == 0)
        return Error::OutOfMemory;

    out.direct_map_end = direct_map_end_for(boot_info);
    out.reserved_bytes = usable_bytes - out.free.total_bytes();
    return {};
}

} // namespace gehri::mm

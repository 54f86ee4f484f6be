#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/mm/PhysicalRange.h>

namespace gehri::mm {

// Everything the allocator is given at boot, derived from the loader's memory map.
struct MemoryPlan {
    PhysicalRangeList free;         // page-aligned frames the allocator may hand out
    PhysicalRange metadata;         // where the PageArray lives (already taken out of `free`)
    uint64_t first_pfn { 0 };       // the frames the PageArray describes, holes included
    uint64_t end_pfn { 0 };
    PhysicalAddress direct_map_end; // the direct map covers [0, direct_map_end)
    uint64_t reserved_bytes { 0 };  // usable RAM withheld (low memory, kernel, boot data, metadata)
};

// Never handed out, whatever the memory map says: the first MiB (the SMP trampoline and
// firmware data live there), `kernel_image` (its physical extent, boot page tables included),
// the loader's information block, boot modules, and anything any non-usable region overlaps.
// The metadata goes in the first free range below `metadata_limit` (what the boot page tables
// can reach) that fits it. Fails with OutOfMemory when nothing is left or nothing fits.
// `out` is large (the range list): the caller provides it, typically static storage.
Result<void> plan_physical_memory(const boot::BootInfo& boot_info, PhysicalRange kernel_image, PhysicalAddress metadata_limit, MemoryPlan& out);

constexpr PhysicalAddress low_memory_end = 1024 * 1024;

} // namespace gehri::mm

#include <kernel/log/Log.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/KernelImage.h>
#include <kernel/mm/MemoryManager.h>
#include <kernel/mm/MemoryPlan.h>
#include <kernel/mm/PhysicalMemory.h>
#include <string.h>

namespace gehri::mm {

namespace {

MemoryPlan s_plan; // too large for the boot stack

Result<void> map_kernel_image(AddressSpace& kernel, const KernelImageLayout& image)
{
    for (size_t i = 0; i < image.section_count; ++i) {
        auto& section = image.sections[i];
        for (VirtualAddress page = section.start; page < section.end; page += page_size) {
            if (page == image.boot_stack_guard)
                continue;
            TRY(kernel.map(page, kernel_virtual_to_physical(page), section.flags));
        }
    }
    return {};
}

Result<void> build_kernel_address_space(const KernelImageLayout& image, PhysicalAddress direct_map_end)
{
    TRY(AddressSpace::create_kernel_tables());
    auto& kernel = AddressSpace::kernel();
    TRY(kernel.map_range(direct_map_base, 0, direct_map_end, PageFlags::Writable | PageFlags::NoExecute | PageFlags::Global));
    TRY(map_kernel_image(kernel, image));
    return {};
}

} // namespace

void initialize(const boot::BootInfo& boot_info)
{
    KernelImageLayout image = kernel_image_layout();
    auto planned = plan_physical_memory(boot_info, image.physical, boot_direct_map_limit, s_plan);
    if (planned.is_error())
        PANIC("no usable memory for the page allocator ({}): check the loader's memory map", error_name(planned.error()));

    auto* metadata = physical_to_virtual<PhysicalPage>(s_plan.metadata.start);
    memset(metadata, 0, s_plan.metadata.size());
    PhysicalMemory::the().initialize(PageArray(metadata, s_plan.first_pfn, s_plan.end_pfn - s_plan.first_pfn), s_plan.free, direct_map_base);

    auto built = build_kernel_address_space(image, s_plan.direct_map_end);
    if (built.is_error())
        PANIC("cannot build the kernel page tables ({})", error_name(built.error()));
    AddressSpace::switch_to_kernel_tables();

    auto& memory = PhysicalMemory::the();
    log::info("mm: {} free ranges, {} pages managed, {} free ({} below 4 GiB); {} KiB reserved; direct map {:#x} bytes",
        s_plan.free.size(), memory.total_pages(), memory.free_pages(), memory.free_pages(MemoryZone::Below4GiB),
        s_plan.reserved_bytes / 1024, s_plan.direct_map_end);
}

} // namespace gehri::mm

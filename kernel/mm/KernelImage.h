#pragma once

#include <kernel/mm/PageFlags.h>
#include <kernel/mm/PhysicalRange.h>
#include <stddef.h>

namespace gehri::mm {

struct KernelImageSection {
    const char* name;
    VirtualAddress start; // page-aligned
    VirtualAddress end;   // page-aligned, exclusive
    PageFlags flags;
};

// Where the linker put the kernel and what each part may do (W^X). The physical extent
// includes the boot code and the boot page tables in front of the higher-half image.
struct KernelImageLayout {
    static constexpr size_t max_sections = 8;
    PhysicalRange physical;
    KernelImageSection sections[max_sections];
    size_t section_count { 0 };
    VirtualAddress boot_stack_guard; // a page inside the image that must stay unmapped
};

// Implemented by the architecture from its linker symbols.
KernelImageLayout kernel_image_layout();

inline PhysicalAddress kernel_virtual_to_physical(VirtualAddress address) { return address - kernel_image_base; }

} // namespace gehri::mm

#pragma once

#include <kernel/boot/BootInfo.h>

namespace gehri::mm {

// Brings up memory management, once, on the bootstrap CPU with interrupts off: the physical
// page allocator from the loader's memory map, then the kernel's own page tables (direct map,
// W^X kernel image, no identity map), which it switches to. Afterwards PhysicalMemory, the
// heap (operator new), AddressSpace and KernelStack are usable. Panics if memory is unusable.
void initialize(const boot::BootInfo& boot_info);

} // namespace gehri::mm

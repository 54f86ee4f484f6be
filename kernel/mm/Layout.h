#pragma once

#include <stdint.h>

// The kernel's virtual address layout (x86_64, 4-level paging, 48-bit addresses):
//   0x0000000000000000 .. 0x00007fffffffffff   user space (per agent)
//   0xffff800000000000 .. +max(RAM, 4 GiB)      direct map of physical memory (and MMIO below 4 GiB)
//   0xffffff0000000000 .. +1 GiB                kernel stacks, each above an unmapped guard page
//   0xffffffff80000000 .. +2 GiB                the kernel image (mcmodel=kernel)
// PML4 entries 0..255 are the lower (user) half, 256..511 the kernel half shared by every
// address space.
namespace gehri::mm {

using PhysicalAddress = uint64_t;
using VirtualAddress = uint64_t;

constexpr uint64_t page_size = 4096;
constexpr uint64_t large_page_size = 2 * 1024 * 1024;
constexpr uint64_t page_shift = 12;
constexpr VirtualAddress direct_map_base = 0xffff800000000000;
constexpr VirtualAddress kernel_image_base = 0xffffffff80000000;
constexpr VirtualAddress user_space_end = 0x0000800000000000;
constexpr VirtualAddress kernel_space_start = 0xffff800000000000;
constexpr VirtualAddress kernel_stacks_base = 0xffffff0000000000;
constexpr uint64_t kernel_stacks_size = 1024ull * 1024 * 1024;
// The boot page tables direct-map only this much; the memory manager builds its first
// structures below it, before its own direct map exists.
constexpr PhysicalAddress boot_direct_map_limit = 4ull * 1024 * 1024 * 1024;

constexpr uint64_t align_down(uint64_t value, uint64_t alignment) { return value & ~(alignment - 1); }
constexpr uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

template<typename T = void>
T* physical_to_virtual(PhysicalAddress address)
{
    return reinterpret_cast<T*>(direct_map_base + address);
}

inline PhysicalAddress virtual_to_physical(const void* direct_mapped)
{
    return reinterpret_cast<uint64_t>(direct_mapped) - direct_map_base;
}

} // namespace gehri::mm

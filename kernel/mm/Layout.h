#pragma once

#include <stdint.h>

// The kernel's virtual address layout (x86_64, 4-level paging, 48-bit addresses):
//   0x0000000000000000 .. 0x00007fffffffffff   user space (per agent)
//   0xffff800000000000 .. +physical memory      direct map of all physical memory
//   0xffffffff80000000 .. +2 GiB                the kernel image (mcmodel=kernel)
namespace gehri::mm {

using PhysicalAddress = uint64_t;
using VirtualAddress = uint64_t;

constexpr uint64_t page_size = 4096;
constexpr VirtualAddress direct_map_base = 0xffff800000000000;
constexpr VirtualAddress kernel_image_base = 0xffffffff80000000;
constexpr VirtualAddress user_space_end = 0x0000800000000000;

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

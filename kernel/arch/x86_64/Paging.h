#pragma once

#include <stdint.h>

// x86_64 4-level paging: entry bits and the control registers and instructions around them.
namespace gehri::arch::paging {

constexpr uint64_t present = 1ull << 0;
constexpr uint64_t writable = 1ull << 1;
constexpr uint64_t user = 1ull << 2;
constexpr uint64_t write_through = 1ull << 3;
constexpr uint64_t cache_disable = 1ull << 4;
constexpr uint64_t huge = 1ull << 7; // in a PDPT or PD entry: maps 1 GiB or 2 MiB directly
constexpr uint64_t global = 1ull << 8;
constexpr uint64_t no_execute = 1ull << 63;
constexpr uint64_t address_mask = 0x000FFFFFFFFFF000ull;
constexpr uint64_t large_address_mask = 0x000FFFFFFFE00000ull;

constexpr unsigned entries_per_table = 512;
constexpr unsigned pml4_level = 3;
constexpr unsigned pd_level = 1;
constexpr unsigned pt_level = 0;

constexpr unsigned table_index(uint64_t virtual_address, unsigned level)
{
    return (virtual_address >> (12 + 9 * level)) & (entries_per_table - 1);
}

constexpr bool is_canonical(uint64_t virtual_address)
{
    uint64_t top = virtual_address >> 47;
    return top == 0 || top == 0x1FFFF;
}

inline uint64_t read_cr3()
{
    uint64_t value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

inline void write_cr3(uint64_t value) { asm volatile("mov %0, %%cr3" ::"r"(value) : "memory"); }

inline uint64_t read_cr4()
{
    uint64_t value;
    asm volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

inline void write_cr4(uint64_t value) { asm volatile("mov %0, %%cr4" ::"r"(value) : "memory"); }

constexpr uint64_t cr4_global_pages = 1ull << 7;

inline void invalidate_page(uint64_t virtual_address) { asm volatile("invlpg (%0)" ::"r"(virtual_address) : "memory"); }

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf)
{
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(0));
    return r;
}

inline bool cpu_has_global_pages() { return cpuid(1).edx & (1u << 13); }
inline bool cpu_has_no_execute()
{
    return cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 20));
}

struct [[gnu::packed]] DescriptorTablePointer {
    uint16_t limit;
    uint64_t base;
};

inline DescriptorTablePointer read_gdtr()
{
    DescriptorTablePointer pointer;
    asm volatile("sgdt %0" : "=m"(pointer));
    return pointer;
}
inline DescriptorTablePointer read_idtr()
{
    DescriptorTablePointer pointer;
    asm volatile("sidt %0" : "=m"(pointer));
    return pointer;
}
inline void load_gdtr(const DescriptorTablePointer& pointer) { asm volatile("lgdt %0" ::"m"(pointer) : "memory"); }
inline void load_idtr(const DescriptorTablePointer& pointer) { asm volatile("lidt %0" ::"m"(pointer) : "memory"); }

} // namespace gehri::arch::paging

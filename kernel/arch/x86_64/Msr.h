#pragma once

#include <stdint.h>

namespace gehri::arch {

namespace msr {
constexpr uint32_t apic_base = 0x1B;
constexpr uint32_t efer = 0xC000'0080;
constexpr uint32_t gs_base = 0xC000'0101;
constexpr uint32_t kernel_gs_base = 0xC000'0102; // swapped in by swapgs
} // namespace msr

inline uint64_t read_msr(uint32_t index)
{
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
    return (static_cast<uint64_t>(high) << 32) | low;
}

inline void write_msr(uint32_t index, uint64_t value)
{
    asm volatile("wrmsr" ::"c"(index), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32)) : "memory");
}

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

} // namespace gehri::arch

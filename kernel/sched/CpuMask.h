#pragma once

#include <stdint.h>

namespace gehri::sched {

// The scheduler's CPU numbering is dense (0..max_cpus-1), assigned at bring-up; the SMP code
// maps it to APIC ids.
constexpr uint32_t max_cpus = 64;

// A set of CPUs: a thread's affinity, the set of online CPUs.
class CpuMask {
public:
    constexpr CpuMask() = default;
    static constexpr CpuMask all() { return CpuMask(~uint64_t(0)); }
    static constexpr CpuMask none() { return CpuMask(0); }
    static constexpr CpuMask only(uint32_t cpu) { return CpuMask(cpu < max_cpus ? uint64_t(1) << cpu : 0); }
    static constexpr CpuMask from_bits(uint64_t bits) { return CpuMask(bits); }

    constexpr bool contains(uint32_t cpu) const { return cpu < max_cpus && (m_bits >> cpu) & 1; }
    constexpr bool is_empty() const { return m_bits == 0; }
    constexpr uint64_t bits() const { return m_bits; }
    constexpr uint32_t count() const { return static_cast<uint32_t>(__builtin_popcountll(m_bits)); }
    constexpr CpuMask intersected(CpuMask other) const { return CpuMask(m_bits & other.m_bits); }
    // A mask of one CPU: the thread can never be migrated.
    constexpr bool is_single_cpu() const { return count() == 1; }

    constexpr void add(uint32_t cpu)
    {
        if (cpu < max_cpus)
            m_bits |= uint64_t(1) << cpu;
    }
    constexpr void remove(uint32_t cpu)
    {
        if (cpu < max_cpus)
            m_bits &= ~(uint64_t(1) << cpu);
    }

    constexpr bool operator==(const CpuMask&) const = default;

private:
    constexpr explicit CpuMask(uint64_t bits)
        : m_bits(bits)
    {
    }

    uint64_t m_bits { 0 };
};

} // namespace gehri::sched

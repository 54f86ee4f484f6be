#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::arch {

// The HPET's main counter, used as the reference clock that the TSC and the local APIC
// timer are calibrated against. Its comparators stay disabled: the local APIC timer is the
// kernel's event source.
class Hpet {
public:
    // Enables the main counter of the block at `physical_address` (from the ACPI HPET table).
    // NotSupported above the 4 GiB the boot mapping covers; BadFormat when the capabilities
    // register is not plausible (no HPET there, or a period the spec forbids).
    static Result<Hpet> create(uint64_t physical_address);

    // An absent HPET, as the placeholder for machines without one.
    constexpr Hpet() = default;
    bool is_present() const { return m_registers != nullptr; }

    uint64_t read_counter() const;
    // Ticks from `earlier` to `later`, across one wrap of a 32-bit counter.
    uint64_t ticks_between(uint64_t earlier, uint64_t later) const { return (later - earlier) & m_counter_mask; }
    uint64_t frequency_hz() const { return m_frequency_hz; }
    uint64_t period_femtoseconds() const { return m_period_fs; }
    uint32_t comparator_count() const { return m_comparator_count; }
    bool has_64_bit_counter() const { return m_counter_mask == UINT64_MAX; }
    uint64_t physical_address() const { return m_physical_address; }

private:
    uint64_t read_register(uint32_t offset) const;
    void write_register(uint32_t offset, uint64_t value) const;

    uint64_t m_physical_address { 0 };
    volatile uint64_t* m_registers { nullptr };
    uint64_t m_period_fs { 0 };
    uint64_t m_frequency_hz { 0 };
    uint64_t m_counter_mask { 0 };
    uint32_t m_comparator_count { 0 };
};

} // namespace gehri::arch

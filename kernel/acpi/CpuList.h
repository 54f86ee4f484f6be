#pragma once

#include <kernel/acpi/Madt.h>

namespace gehri::acpi {

// The CPUs the kernel may run on: the MADT's enabled processors, the boot CPU first, so a
// CPU's index here is the kernel's dense CPU index (0 = boot CPU). Disabled and merely
// online-capable processors are left out until hot-plug exists.
class CpuList {
public:
    static constexpr size_t max_cpus = Madt::max_processors;

    constexpr CpuList() = default;
    // The boot CPU is listed even if the MADT forgot it (it is evidently running).
    static CpuList from_madt(const Madt& madt, uint32_t boot_apic_id);

    size_t count() const { return m_count; }
    uint32_t apic_id(size_t index) const { return m_apic_ids[index]; }
    // The dense index of the CPU with this APIC id, or -1 when it is not in the list.
    long index_of(uint32_t apic_id) const;

private:
    uint32_t m_apic_ids[max_cpus] {};
    size_t m_count { 0 };
};

// The list the platform setup built at boot (empty before).
const CpuList& cpus();
void set_cpus(const CpuList& list);

} // namespace gehri::acpi

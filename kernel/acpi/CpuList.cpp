#include <kernel/acpi/CpuList.h>

namespace gehri::acpi {

namespace {
CpuList s_cpus;
} // namespace

CpuList CpuList::from_madt(const Madt& madt, uint32_t boot_apic_id)
{
    CpuList list;
    list.m_apic_ids[list.m_count++] = boot_apic_id;
    for (size_t i = 0; i < madt.processor_count && list.m_count < max_cpus; ++i) {
        const Processor& processor = madt.processors[i];
        if (processor.enabled && processor.apic_id != boot_apic_id)
            list.m_apic_ids[list.m_count++] = processor.apic_id;
    }
    return list;
}

long CpuList::index_of(uint32_t apic_id) const
{
    for (size_t i = 0; i < m_count; ++i) {
        if (m_apic_ids[i] == apic_id)
            return static_cast<long>(i);
    }
    return -1;
}

const CpuList& cpus() { return s_cpus; }
void set_cpus(const CpuList& list) { s_cpus = list; }

} // namespace gehri::acpi

#pragma once

#include <kernel/acpi/HpetTable.h>
#include <kernel/acpi/Madt.h>
#include <kernel/acpi/PhysicalMemory.h>
#include <kernel/acpi/Rsdp.h>

namespace gehri::boot {
struct BootInfo;
}

namespace gehri::acpi {

// What the firmware's ACPI tables say about the machine, as far as the kernel uses it.
struct Platform {
    Rsdp rsdp;
    bool uses_xsdt { false };
    size_t table_count { 0 };
    size_t rejected_tables { 0 }; // listed but failed length or checksum validation
    bool has_madt { false };
    Madt madt;
    bool has_hpet { false };
    HpetTable hpet;
};

// Decodes the RSDP, walks the table directory and decodes the MADT and the HPET table.
// Fails only when there is no usable directory; a missing or broken MADT or HPET table
// leaves has_madt / has_hpet false (logged), and the caller decides whether it can go on.
Result<void> discover(const PhysicalMemory& memory, const uint8_t* rsdp, size_t rsdp_length, Platform& out);

// Kernel boot: discovers through the direct map from the RSDP copy the loader handed over,
// into the platform description that platform() returns afterwards.
Result<void> initialize(const boot::BootInfo& boot_info);
const Platform& platform();

} // namespace gehri::acpi

#pragma once

#include <kernel/lib/Result.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::acpi {

// Interrupt signal polarity and trigger mode as the MADT encodes them (MPS INTI flags).
// BusDefault means "conforms to the bus": for ISA that is active high, edge triggered.
enum class Polarity : uint8_t { BusDefault, ActiveHigh, ActiveLow };
enum class Trigger : uint8_t { BusDefault, Edge, Level };

struct Processor {
    uint32_t apic_id { 0 };
    uint32_t acpi_uid { 0 };
    bool enabled { false }; // usable now
    bool online_capable { false }; // disabled now, but may be brought online (ACPI 6.3+)
    bool from_x2apic_entry { false };
};

struct IoApicDescription {
    uint8_t id { 0 };
    uint32_t address { 0 };
    uint32_t gsi_base { 0 };
};

// An ISA IRQ that is not identity-mapped to a GSI, or has non-default signalling.
struct InterruptOverride {
    uint8_t bus { 0 };
    uint8_t source_irq { 0 };
    uint32_t gsi { 0 };
    Polarity polarity { Polarity::BusDefault };
    Trigger trigger { Trigger::BusDefault };
};

// Which local APIC input (LINT0/LINT1) is wired to NMI, for one processor or for all.
struct LocalApicNmi {
    static constexpr uint32_t all_processors = 0xFFFFFFFF;
    uint32_t acpi_uid { all_processors };
    uint8_t lint { 0 };
    Polarity polarity { Polarity::BusDefault };
    Trigger trigger { Trigger::BusDefault };

    bool applies_to(uint32_t uid) const { return acpi_uid == all_processors || acpi_uid == uid; }
};

// A GSI wired to NMI instead of a vector.
struct NmiSource {
    uint32_t gsi { 0 };
    Polarity polarity { Polarity::BusDefault };
    Trigger trigger { Trigger::BusDefault };
};

// Where an ISA IRQ arrives after the overrides, with bus defaults resolved.
struct IsaIrqRoute {
    uint32_t gsi { 0 };
    Polarity polarity { Polarity::ActiveHigh };
    Trigger trigger { Trigger::Edge };
};

// The Multiple APIC Description Table, decoded into fixed-capacity arrays (it is parsed
// before any allocator exists). Entries beyond a capacity are counted, not stored.
struct Madt {
    static constexpr size_t max_processors = 256;
    static constexpr size_t max_ioapics = 16;
    static constexpr size_t max_overrides = 48;
    static constexpr size_t max_local_nmis = 32;
    static constexpr size_t max_nmi_sources = 16;

    uint64_t local_apic_address { 0 }; // after any 64-bit address override entry
    bool has_legacy_pics { false }; // PCAT_COMPAT: 8259s present and must be masked
    Processor processors[max_processors];
    size_t processor_count { 0 };
    IoApicDescription ioapics[max_ioapics];
    size_t ioapic_count { 0 };
    InterruptOverride overrides[max_overrides];
    size_t override_count { 0 };
    LocalApicNmi local_nmis[max_local_nmis];
    size_t local_nmi_count { 0 };
    NmiSource nmi_sources[max_nmi_sources];
    size_t nmi_source_count { 0 };
    size_t unknown_entries { 0 }; // entry types this parser does not know, skipped
    size_t dropped_entries { 0 }; // known entries over capacity, or duplicate processors

    size_t enabled_processor_count() const;
    const Processor* find_processor(uint32_t apic_id) const;
    // The IOAPIC whose range starts at or below `gsi`, nearest to it; the caller checks the
    // IOAPIC's entry count (only the hardware knows it).
    const IoApicDescription* ioapic_for_gsi(uint32_t gsi) const;
    IsaIrqRoute route_isa_irq(uint8_t irq) const;
};

// Decodes a whole, checksum-validated "APIC" table (header included). BadFormat when the
// table is too short or an entry is malformed (length below its type's size or past the end).
Result<void> parse_madt(const uint8_t* table, size_t length, Madt& out);

} // namespace gehri::acpi

#pragma once

#include <kernel/acpi/Madt.h>
#include <kernel/lib/Result.h>
#include <stdint.h>

// The IOAPICs: where device interrupts (global system interrupts, GSIs) become vectors on a
// chosen CPU. Every entry starts masked; a driver routes its GSI, then unmasks it.
namespace gehri::arch::ioapic {

// Reads each MADT IOAPIC's size and masks all its entries. NotSupported when an IOAPIC lies
// above the 4 GiB the boot mapping covers.
Result<void> initialize(const acpi::Madt& madt);

size_t controller_count();
// The GSIs the IOAPICs cover: [0, gsi_limit()) with the usual single IOAPIC at base 0.
uint32_t gsi_limit();

// Points `gsi` at `vector` on the CPU with `apic_id` (fixed delivery, physical destination),
// leaving it masked. BusDefault polarity/trigger means ISA's: active high, edge.
// NotFound when no IOAPIC serves the GSI, InvalidArgument for an exception vector,
// NotSupported for an APIC id beyond xAPIC's 8 bits.
Result<void> route_gsi(uint32_t gsi, uint8_t vector, uint32_t apic_id, acpi::Polarity polarity, acpi::Trigger trigger);
// Routes a legacy ISA IRQ through the MADT's overrides (IRQ 0 is GSI 2 on most PCs) and
// returns the GSI it arrives on, leaving it masked.
Result<uint32_t> route_isa_irq(uint8_t irq, uint8_t vector, uint32_t apic_id);

Result<void> mask(uint32_t gsi);
Result<void> unmask(uint32_t gsi);

} // namespace gehri::arch::ioapic

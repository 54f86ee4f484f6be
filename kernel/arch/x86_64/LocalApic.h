#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::acpi {
struct Madt;
}

// The local APIC of the current CPU, in xAPIC mode through the direct map (every CPU sees
// its own APIC at the same physical address).
namespace gehri::arch::lapic {

// Boot CPU: takes the register address from IA32_APIC_BASE (checked against the MADT),
// then sets up this CPU's APIC like initialize_this_cpu. NotSupported when the CPU has no
// APIC or it lives above the 4 GiB the boot mapping covers.
Result<void> initialize_boot_cpu(const acpi::Madt& madt);

// Every CPU (the boot CPU through initialize_boot_cpu, each AP early in its bring-up):
// software-enables the APIC with vectors::spurious, accepts all priorities, masks every
// local interrupt source except the NMI inputs the MADT declares for this CPU.
void initialize_this_cpu();

uint32_t id(); // this CPU's APIC id
// Signals end of interrupt for the in-service vector. Not for the spurious vector.
void end_of_interrupt();

// Inter-processor interrupts. Each waits until the APIC has accepted the previous one.
void send_ipi(uint32_t apic_id, uint8_t vector);
void send_ipi_to_all_others(uint8_t vector);
void send_ipi_to_self(uint8_t vector);
// An NMI reaches a CPU even with interrupts off (a crash report stops the others with it).
void send_nmi_to_all_others();
// The raw INIT and STARTUP IPIs, for SMP bring-up. A STARTUP makes the target run real-mode
// code at physical address page * 4096 (so the trampoline must be below 1 MiB, page-aligned).
void send_init(uint32_t apic_id);
void send_startup(uint32_t apic_id, uint8_t page);
// The whole INIT-SIPI-SIPI sequence with the delays Intel prescribes (10 ms, 200 us), timed by
// the monotonic clock (time must be initialized).
void start_application_processor(uint32_t apic_id, uint8_t trampoline_page);

// The timer registers, for the local timer driver.
namespace timer {
enum class Mode : uint32_t { OneShot = 0, Periodic = 1u << 17 };
constexpr uint32_t divider = 16;
void configure(uint8_t vector, Mode mode, bool masked); // also selects the divider
void set_initial_count(uint32_t count); // starts counting; 0 stops
uint32_t current_count();
} // namespace timer

} // namespace gehri::arch::lapic

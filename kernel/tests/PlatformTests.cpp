#include <kernel/acpi/Acpi.h>
#include <kernel/acpi/CpuList.h>
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/IoApic.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/Pit.h>
#include <kernel/arch/x86_64/Platform.h>
#include <kernel/log/Log.h>
#include <kernel/tests/Framework.h>
#include <kernel/time/Clock.h>

using namespace gehri;

namespace {

// A vector no subsystem allocates (see vectors:: in Interrupts.h).
constexpr uint8_t self_ipi_test_vector = 0xE0;

uint64_t s_test_interrupts;

void counting_handler(arch::InterruptFrame&)
{
    arch::lapic::end_of_interrupt();
    __atomic_fetch_add(&s_test_interrupts, 1, __ATOMIC_RELAXED);
}

uint64_t test_interrupts() { return __atomic_load_n(&s_test_interrupts, __ATOMIC_RELAXED); }

constexpr uint64_t millisecond = 1'000'000;

// Interrupts on until `count` test interrupts have arrived since `before`, or `timeout_ns`
// passed; returns the time waited. Waiting for the event rather than for a fixed time keeps
// the tests immune to an emulator that falls behind when the host is busy.
uint64_t wait_for_test_interrupts(uint64_t before, uint64_t count, uint64_t timeout_ns)
{
    uint64_t started = time::now_ns();
    arch::enable_interrupts();
    while (test_interrupts() - before < count && time::now_ns() - started < timeout_ns)
        arch::cpu_relax();
    arch::disable_interrupts();
    return time::now_ns() - started;
}

} // namespace

KERNEL_TEST(acpi_cpu_count_matches_the_machine)
{
    const acpi::CpuList& cpus = acpi::cpus();
    EXPECT(acpi::platform().has_madt);
    EXPECT(cpus.count() >= 1);
    EXPECT_EQ(cpus.count(), acpi::platform().madt.enabled_processor_count());
    // tests/boot/run passes the -smp count it gave QEMU.
    uint32_t expected = arch::platform_summary().expected_cpus;
    if (expected != 0)
        EXPECT_EQ(cpus.count(), static_cast<size_t>(expected));
    for (size_t i = 0; i < cpus.count(); ++i)
        EXPECT_EQ(cpus.index_of(cpus.apic_id(i)), static_cast<long>(i));
}

KERNEL_TEST(acpi_boot_cpu_is_cpu_zero)
{
    uint32_t initial_apic_id = arch::cpuid(1).ebx >> 24;
    EXPECT_EQ(arch::lapic::id(), initial_apic_id);
    EXPECT_EQ(acpi::cpus().apic_id(0), arch::lapic::id());
    EXPECT_EQ(arch::platform_summary().boot_apic_id, arch::lapic::id());
}

KERNEL_TEST(acpi_interrupt_controllers_are_described)
{
    const acpi::Madt& madt = acpi::platform().madt;
    EXPECT(madt.ioapic_count >= 1);
    EXPECT_EQ(arch::ioapic::controller_count(), madt.ioapic_count);
    EXPECT(arch::ioapic::gsi_limit() >= 16); // every ISA IRQ has somewhere to go
    acpi::IsaIrqRoute timer = madt.route_isa_irq(0);
    EXPECT(timer.gsi < arch::ioapic::gsi_limit());
    EXPECT(madt.local_apic_address != 0);
}

KERNEL_TEST(lapic_self_ipi_is_delivered)
{
    arch::install_interrupt_handler(self_ipi_test_vector, counting_handler);
    uint64_t before = test_interrupts();
    arch::InterruptState state = arch::save_and_disable_interrupts();
    arch::lapic::send_ipi_to_self(self_ipi_test_vector);
    arch::lapic::send_ipi(arch::lapic::id(), self_ipi_test_vector);
    // Both wait in the IRR for as long as interrupts are off: one vector, one pending bit,
    // so the second merges into the first.
    time::busy_wait_ns(millisecond);
    EXPECT_EQ(test_interrupts(), before);
    wait_for_test_interrupts(before, 2, 10 * millisecond);
    EXPECT_EQ(test_interrupts() - before, 1u);
    // One at a time, each arrives on its own, through either destination form.
    arch::lapic::send_ipi_to_self(self_ipi_test_vector);
    wait_for_test_interrupts(before, 2, 5'000 * millisecond);
    EXPECT_EQ(test_interrupts() - before, 2u);
    arch::lapic::send_ipi(arch::lapic::id(), self_ipi_test_vector);
    wait_for_test_interrupts(before, 3, 5'000 * millisecond);
    EXPECT_EQ(test_interrupts() - before, 3u);
    arch::restore_interrupts(state);
    arch::uninstall_interrupt_handler(self_ipi_test_vector);
}

KERNEL_TEST(ioapic_routes_the_pit_through_the_madt_override)
{
    constexpr uint64_t wanted = 20;
    // ISA IRQ 0 is the PIT's channel 0; on PCs the MADT moves it to GSI 2.
    acpi::IsaIrqRoute route = acpi::platform().madt.route_isa_irq(0);
    uint8_t vector = static_cast<uint8_t>(arch::vectors::ioapic_base + route.gsi);
    arch::install_interrupt_handler(vector, counting_handler);
    arch::InterruptState state = arch::save_and_disable_interrupts();
    auto routed = arch::ioapic::route_isa_irq(0, vector, arch::lapic::id());
    EXPECT(routed.is_ok());
    EXPECT_EQ(routed.value_or(~0u), route.gsi);

    uint64_t before = test_interrupts();
    arch::pit::start_channel0_periodic(1193); // ~1000 Hz
    EXPECT(arch::ioapic::unmask(route.gsi).is_ok());
    uint64_t elapsed = wait_for_test_interrupts(before, wanted, 5'000 * millisecond);
    EXPECT(arch::ioapic::mask(route.gsi).is_ok());
    arch::pit::stop_channel0();
    uint64_t received = test_interrupts() - before;
    log::info("ioapic test: {} PIT interrupts on GSI {} in {} us", received, route.gsi, elapsed / 1000);
    EXPECT(received >= wanted);
    // At most one per period: ticks can be late or lost, never invented. The slack covers
    // where in its period the PIT was and an edge latched before the entry was unmasked.
    EXPECT(received * 1193 * 1'000'000'000 / arch::pit::frequency_hz <= elapsed + 3 * millisecond);

    // Masked, the line stays quiet. An edge that reached the local APIC before the mask took
    // effect is still pending there: let it in first.
    wait_for_test_interrupts(test_interrupts(), 1, 5 * millisecond);
    uint64_t after_mask = test_interrupts();
    arch::pit::start_channel0_periodic(1193);
    wait_for_test_interrupts(after_mask, 1, 10 * millisecond);
    arch::pit::stop_channel0();
    EXPECT_EQ(test_interrupts(), after_mask);

    arch::restore_interrupts(state);
    arch::uninstall_interrupt_handler(vector);
    EXPECT_EQ(arch::ioapic::unmask(arch::ioapic::gsi_limit()).error(), Error::NotFound);
    EXPECT_EQ(arch::ioapic::route_gsi(route.gsi, 0x0E, arch::lapic::id(), acpi::Polarity::BusDefault, acpi::Trigger::BusDefault).error(), Error::InvalidArgument);
}

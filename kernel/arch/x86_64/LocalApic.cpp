#include <kernel/acpi/Madt.h>
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Msr.h>
#include <kernel/log/Log.h>
#include <kernel/mm/Layout.h>
#include <kernel/time/Clock.h>

namespace gehri::arch::lapic {

namespace {

enum Register : uint32_t {
    Id = 0x020,
    Version = 0x030,
    TaskPriority = 0x080,
    EndOfInterrupt = 0x0B0,
    SpuriousVector = 0x0F0,
    ErrorStatus = 0x280,
    CommandLow = 0x300,
    CommandHigh = 0x310,
    LvtTimer = 0x320,
    LvtThermal = 0x330,
    LvtPerformance = 0x340,
    LvtLint0 = 0x350,
    LvtLint1 = 0x360,
    LvtError = 0x370,
    TimerInitialCount = 0x380,
    TimerCurrentCount = 0x390,
    TimerDivide = 0x3E0,
};

constexpr uint64_t base_enable = 1ull << 11;
constexpr uint64_t base_x2apic = 1ull << 10;
constexpr uint64_t base_address_mask = 0x000F'FFFF'FFFF'F000;
constexpr uint64_t mapped_limit = 4ull * 1024 * 1024 * 1024;

constexpr uint32_t software_enable = 1u << 8;
constexpr uint32_t lvt_masked = 1u << 16;
constexpr uint32_t lvt_active_low = 1u << 13;
constexpr uint32_t delivery_nmi = 4u << 8;
constexpr uint32_t divide_by_16 = 0b0011;

constexpr uint32_t icr_delivery_pending = 1u << 12;
constexpr uint32_t icr_fixed = 0u << 8;
constexpr uint32_t icr_nmi = 4u << 8;
constexpr uint32_t icr_init = 5u << 8;
constexpr uint32_t icr_startup = 6u << 8;
constexpr uint32_t icr_assert = 1u << 14;
constexpr uint32_t icr_self = 1u << 18;
constexpr uint32_t icr_all_but_self = 3u << 18;

volatile uint32_t* s_registers;
const acpi::Madt* s_madt;

uint32_t read(Register reg) { return s_registers[reg / sizeof(uint32_t)]; }
void write(Register reg, uint32_t value) { s_registers[reg / sizeof(uint32_t)] = value; }

// The highest LVT entry this APIC implements: thermal and performance LVTs are optional.
uint32_t max_lvt_entry() { return (read(Version) >> 16) & 0xFF; }

uint32_t nmi_lvt_for_this_cpu(uint8_t lint)
{
    if (!s_madt)
        return lvt_masked;
    const acpi::Processor* self = s_madt->find_processor(id());
    for (size_t i = 0; i < s_madt->local_nmi_count; ++i) {
        const acpi::LocalApicNmi& nmi = s_madt->local_nmis[i];
        if (nmi.lint != lint || (self == nullptr && nmi.acpi_uid != acpi::LocalApicNmi::all_processors))
            continue;
        if (self && !nmi.applies_to(self->acpi_uid))
            continue;
        // NMIs are always edge-triggered: the LVT ignores the trigger bit for NMI delivery.
        return delivery_nmi | (nmi.polarity == acpi::Polarity::ActiveLow ? lvt_active_low : 0);
    }
    return lvt_masked;
}

void wait_for_delivery()
{
    while (read(CommandLow) & icr_delivery_pending)
        cpu_relax();
}

// ICR high then low; the low write sends. Interrupts stay off so a handler on this CPU cannot
// send its own IPI between the two writes.
void send_command(uint32_t destination, uint32_t command)
{
    InterruptState state = save_and_disable_interrupts();
    wait_for_delivery();
    write(CommandHigh, destination << 24);
    write(CommandLow, command);
    wait_for_delivery();
    restore_interrupts(state);
}

} // namespace

Result<void> initialize_boot_cpu(const acpi::Madt& madt)
{
    if ((cpuid(1).edx & (1u << 9)) == 0)
        return Error::NotSupported;
    uint64_t base = read_msr(msr::apic_base);
    if (base & base_x2apic) {
        // x2APIC can only be left through the disabled state. Fine while every APIC id fits
        // the xAPIC's 8 bits, which is all this driver supports so far.
        log::warn("lapic: firmware left x2APIC mode on; switching to xAPIC");
        write_msr(msr::apic_base, base & ~(base_x2apic | base_enable));
        base &= ~base_x2apic;
    }
    write_msr(msr::apic_base, base | base_enable);
    uint64_t address = base & base_address_mask;
    if (madt.local_apic_address != address)
        log::warn("lapic: MADT says registers at {:#x}, IA32_APIC_BASE says {:#x}; using the latter", madt.local_apic_address, address);
    if (address == 0 || address >= mapped_limit)
        return Error::NotSupported;
    s_registers = mm::physical_to_virtual<volatile uint32_t>(address);
    s_madt = &madt;
    initialize_this_cpu();
    log::info("lapic: boot CPU APIC id {} version {:#x}, {} LVT entries, registers at {:#x}",
        id(), read(Version) & 0xFF, max_lvt_entry() + 1, address);
    return {};
}

void initialize_this_cpu()
{
    uint64_t base = read_msr(msr::apic_base);
    if ((base & base_enable) == 0)
        write_msr(msr::apic_base, base | base_enable);

    write(TaskPriority, 0);
    write(LvtTimer, lvt_masked | vectors::local_timer);
    // The PICs are masked and remapped; LINT0's ExtINT path (virtual wire) stays unused.
    write(LvtLint0, nmi_lvt_for_this_cpu(0));
    write(LvtLint1, nmi_lvt_for_this_cpu(1));
    write(LvtError, lvt_masked);
    if (max_lvt_entry() >= 4)
        write(LvtPerformance, lvt_masked);
    if (max_lvt_entry() >= 5)
        write(LvtThermal, lvt_masked);
    // The error status register latches on a write; two writes clear stale errors.
    write(ErrorStatus, 0);
    write(ErrorStatus, 0);
    write(SpuriousVector, software_enable | vectors::spurious);
    // Whatever firmware left in service is not ours to finish.
    write(EndOfInterrupt, 0);
}

uint32_t id() { return read(Id) >> 24; }

void end_of_interrupt() { write(EndOfInterrupt, 0); }

void send_ipi(uint32_t apic_id, uint8_t vector) { send_command(apic_id, icr_fixed | icr_assert | vector); }
void send_ipi_to_all_others(uint8_t vector) { send_command(0, icr_all_but_self | icr_fixed | icr_assert | vector); }
void send_ipi_to_self(uint8_t vector) { send_command(0, icr_self | icr_fixed | icr_assert | vector); }
void send_nmi_to_all_others() { send_command(0, icr_all_but_self | icr_nmi | icr_assert); }
void send_init(uint32_t apic_id) { send_command(apic_id, icr_init | icr_assert); }
void send_startup(uint32_t apic_id, uint8_t page) { send_command(apic_id, icr_startup | icr_assert | page); }

void start_application_processor(uint32_t apic_id, uint8_t trampoline_page)
{
    send_init(apic_id);
    time::busy_wait_ns(10'000'000);
    // A second STARTUP covers CPUs that missed the first; an AP that already runs ignores it.
    send_startup(apic_id, trampoline_page);
    time::busy_wait_ns(200'000);
    send_startup(apic_id, trampoline_page);
    time::busy_wait_ns(200'000);
}

namespace timer {

void configure(uint8_t vector, Mode mode, bool masked)
{
    write(TimerDivide, divide_by_16);
    write(LvtTimer, vector | static_cast<uint32_t>(mode) | (masked ? lvt_masked : 0));
}

void set_initial_count(uint32_t count) { write(TimerInitialCount, count); }
uint32_t current_count() { return read(TimerCurrentCount); }

} // namespace timer

} // namespace gehri::arch::lapic

#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/IoApic.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/log/Log.h>
#include <kernel/mm/Layout.h>

namespace gehri::arch::ioapic {

namespace {

constexpr uint32_t select_register = 0x00;
constexpr uint32_t window_register = 0x10;
constexpr uint8_t version_index = 0x01;
constexpr uint8_t redirection_index(uint32_t entry) { return static_cast<uint8_t>(0x10 + 2 * entry); }

constexpr uint32_t entry_masked = 1u << 16;
constexpr uint32_t entry_level = 1u << 15;
constexpr uint32_t entry_active_low = 1u << 13;
constexpr uint64_t mapped_limit = 4ull * 1024 * 1024 * 1024;

struct Controller {
    volatile uint32_t* registers;
    uint32_t gsi_base;
    uint32_t entry_count;
};

Controller s_controllers[acpi::Madt::max_ioapics];
size_t s_controller_count;
const acpi::Madt* s_madt; // for the ISA IRQ overrides
// The select/window pair is one shared cursor per IOAPIC; one lock serializes them all.
Spinlock s_lock;

uint32_t read_register(const Controller& controller, uint8_t index)
{
    controller.registers[select_register / 4] = index;
    return controller.registers[window_register / 4];
}

void write_register(const Controller& controller, uint8_t index, uint32_t value)
{
    controller.registers[select_register / 4] = index;
    controller.registers[window_register / 4] = value;
}

Controller* controller_for(uint32_t gsi)
{
    for (size_t i = 0; i < s_controller_count; ++i) {
        Controller& controller = s_controllers[i];
        if (gsi >= controller.gsi_base && gsi - controller.gsi_base < controller.entry_count)
            return &controller;
    }
    return nullptr;
}

Result<void> update_mask(uint32_t gsi, bool masked)
{
    Controller* controller = controller_for(gsi);
    if (!controller)
        return Error::NotFound;
    InterruptSafeGuard guard(s_lock);
    uint8_t index = redirection_index(gsi - controller->gsi_base);
    uint32_t low = read_register(*controller, index);
    write_register(*controller, index, masked ? (low | entry_masked) : (low & ~entry_masked));
    return {};
}

} // namespace

Result<void> initialize(const acpi::Madt& madt)
{
    s_controller_count = 0;
    s_madt = &madt;
    for (size_t i = 0; i < madt.ioapic_count; ++i) {
        const acpi::IoApicDescription& description = madt.ioapics[i];
        if (description.address == 0 || description.address >= mapped_limit)
            return Error::NotSupported;
        Controller& controller = s_controllers[s_controller_count++];
        controller.registers = mm::physical_to_virtual<volatile uint32_t>(description.address);
        controller.gsi_base = description.gsi_base;
        controller.entry_count = ((read_register(controller, version_index) >> 16) & 0xFF) + 1;
        for (uint32_t entry = 0; entry < controller.entry_count; ++entry) {
            write_register(controller, redirection_index(entry), entry_masked);
            write_register(controller, redirection_index(entry) + 1, 0);
        }
        log::info("ioapic: id {} at {:#x}, GSIs {}..{}", description.id, description.address,
            controller.gsi_base, controller.gsi_base + controller.entry_count - 1);
    }
    return {};
}

size_t controller_count() { return s_controller_count; }

uint32_t gsi_limit()
{
    uint32_t limit = 0;
    for (size_t i = 0; i < s_controller_count; ++i) {
        uint32_t end = s_controllers[i].gsi_base + s_controllers[i].entry_count;
        limit = end > limit ? end : limit;
    }
    return limit;
}

Result<void> route_gsi(uint32_t gsi, uint8_t vector, uint32_t apic_id, acpi::Polarity polarity, acpi::Trigger trigger)
{
    Controller* controller = controller_for(gsi);
    if (!controller)
        return Error::NotFound;
    if (apic_id > 0xFF)
        return Error::NotSupported; // physical xAPIC destinations are 8 bits
    if (vector < vectors::first_external)
        return Error::InvalidArgument; // 0..31 are exceptions
    uint32_t low = entry_masked | vector;
    if (polarity == acpi::Polarity::ActiveLow)
        low |= entry_active_low;
    if (trigger == acpi::Trigger::Level)
        low |= entry_level;
    InterruptSafeGuard guard(s_lock);
    uint8_t index = redirection_index(gsi - controller->gsi_base);
    // Masked first, so the entry never fires half-written.
    write_register(*controller, index, entry_masked);
    write_register(*controller, index + 1, apic_id << 24);
    write_register(*controller, index, low);
    return {};
}

Result<uint32_t> route_isa_irq(uint8_t irq, uint8_t vector, uint32_t apic_id)
{
    if (!s_madt)
        return Error::NotFound;
    acpi::IsaIrqRoute route = s_madt->route_isa_irq(irq);
    TRY(route_gsi(route.gsi, vector, apic_id, route.polarity, route.trigger));
    return route.gsi;
}

Result<void> mask(uint32_t gsi) { return update_mask(gsi, true); }
Result<void> unmask(uint32_t gsi) { return update_mask(gsi, false); }

} // namespace gehri::arch::ioapic

#include <kernel/acpi/Acpi.h>
#include <kernel/arch/x86_64/ConsoleInput.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/Io.h>
#include <kernel/arch/x86_64/IoApic.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Serial.h>

namespace gehri::arch {

namespace {

constexpr uint8_t serial_irq = 4;
constexpr uint8_t keyboard_irq = 1;

constexpr uint16_t ps2_data = 0x60;
constexpr uint16_t ps2_status = 0x64; // read
constexpr uint16_t ps2_command = 0x64; // write
constexpr uint8_t status_output_full = 0x01;
constexpr uint8_t status_input_full = 0x02;
constexpr uint8_t read_configuration = 0x20;
constexpr uint8_t write_configuration = 0x60;
constexpr uint8_t configuration_keyboard_interrupt = 0x01;
constexpr uint8_t configuration_keyboard_clock_off = 0x10;
constexpr uint8_t configuration_translation = 0x40;
// Bounded waits: a controller that never answers must not hang the boot.
constexpr int ps2_spin_limit = 100000;

InputByteHandler s_serial_handler = nullptr;
InputByteHandler s_keyboard_handler = nullptr;

void handle_serial(InterruptFrame&)
{
    auto& serial = SerialPort::com1();
    // Drain the FIFO: the line is edge-triggered, and a byte left behind would raise no new edge.
    for (int byte = serial.try_read(); byte >= 0; byte = serial.try_read())
        s_serial_handler(static_cast<uint8_t>(byte));
    lapic::end_of_interrupt();
}

void handle_keyboard(InterruptFrame&)
{
    for (int i = 0; i < 16 && (in8(ps2_status) & status_output_full); ++i)
        s_keyboard_handler(in8(ps2_data));
    lapic::end_of_interrupt();
}

bool wait_ps2(uint8_t bit, bool set)
{
    for (int spins = 0; spins < ps2_spin_limit; ++spins) {
        if (((in8(ps2_status) & bit) != 0) == set)
            return true;
        asm volatile("pause");
    }
    return false;
}

Result<void> route(uint8_t irq, InterruptHandler handler)
{
    uint32_t gsi = acpi::platform().madt.route_isa_irq(irq).gsi;
    if (vectors::ioapic_base + gsi > 0xFE)
        return Error::NotSupported;
    auto vector = static_cast<uint8_t>(vectors::ioapic_base + gsi);
    install_interrupt_handler(vector, handler);
    auto routed = ioapic::route_isa_irq(irq, vector, lapic::id());
    if (routed.is_error()) {
        uninstall_interrupt_handler(vector);
        return routed.error();
    }
    return ioapic::unmask(routed.value());
}

} // namespace

Result<void> start_serial_input(InputByteHandler on_byte)
{
    auto& serial = SerialPort::com1();
    if (!serial.is_present())
        return Error::NotSupported;
    s_serial_handler = on_byte;
    TRY(route(serial_irq, handle_serial));
    serial.enable_receive_interrupt();
    return {};
}

Result<void> start_ps2_keyboard(InputByteHandler on_scancode)
{
    // No controller: the status port floats to 0xFF.
    if (in8(ps2_status) == 0xFF)
        return Error::NotFound;
    // Drop whatever the firmware left in the output buffer.
    for (int i = 0; i < 16 && (in8(ps2_status) & status_output_full); ++i)
        (void)in8(ps2_data);
    if (!wait_ps2(status_input_full, false))
        return Error::NotFound;
    out8(ps2_command, read_configuration);
    if (!wait_ps2(status_output_full, true))
        return Error::NotFound;
    uint8_t configuration = in8(ps2_data);
    configuration |= configuration_keyboard_interrupt | configuration_translation;
    configuration &= static_cast<uint8_t>(~configuration_keyboard_clock_off);
    s_keyboard_handler = on_scancode;
    TRY(route(keyboard_irq, handle_keyboard));
    if (!wait_ps2(status_input_full, false))
        return Error::NotFound;
    out8(ps2_command, write_configuration);
    if (!wait_ps2(status_input_full, false))
        return Error::NotFound;
    out8(ps2_data, configuration);
    return {};
}

} // namespace gehri::arch

#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

// Interrupt-driven console input: the serial port's receive interrupt and the PS/2 keyboard.
// The handlers run in interrupt context on the boot CPU, one at a time (interrupts are off in
// a handler), so the callbacks below never run concurrently with each other.
namespace gehri::arch {

using InputByteHandler = void (*)(uint8_t byte);

// Routes COM1's receive interrupt (ISA IRQ 4) through the IOAPIC to the boot CPU: every byte
// received goes to `on_byte`. NotSupported when there is no UART; IOAPIC errors otherwise.
Result<void> start_serial_input(InputByteHandler on_byte);

// Enables the i8042's keyboard interrupt (with scan code translation, i.e. set 1) and routes
// ISA IRQ 1 to the boot CPU: every byte the keyboard sends goes to `on_scancode`.
// NotFound when no controller answers.
Result<void> start_ps2_keyboard(InputByteHandler on_scancode);

} // namespace gehri::arch

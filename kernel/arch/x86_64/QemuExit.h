#pragma once

#include <kernel/arch/x86_64/Io.h>

namespace gehri::arch {

// QEMU's isa-debug-exit device (iobase 0xf4) ends the emulator with status (value << 1) | 1.
// Only 33 means success: QEMU's own errors exit 1 and a triple fault under -no-reboot exits 0.
constexpr uint16_t qemu_debug_exit_port = 0xF4;
constexpr uint8_t qemu_exit_success_value = 0x10; // status 33
constexpr uint8_t qemu_exit_failure_value = 0x11; // status 35

inline void qemu_exit(bool success)
{
    out8(qemu_debug_exit_port, success ? qemu_exit_success_value : qemu_exit_failure_value);
}

} // namespace gehri::arch

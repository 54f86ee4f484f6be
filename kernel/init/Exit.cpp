#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/QemuExit.h>
#include <kernel/arch/x86_64/Serial.h>
#include <kernel/console/Console.h>
#include <kernel/init/Exit.h>
#include <kernel/log/Log.h>

namespace gehri {

namespace {
void hold(const boot::CommandLine& command_line)
{
    bool requested = false;
    StringView how = command_line.value_of("gehri.hold", &requested);
    if (!requested)
        return;
    if (!(how == "serial")) {
        log::warn("ignoring gehri.hold={}: the only hold is 'serial'", how);
        return;
    }
    // Printed whatever the log level: a test harness waits for this line.
    console::print("hold: waiting for a byte on the serial port before exiting\n");
    auto& serial = arch::SerialPort::com1();
    while (serial.try_read() < 0)
        arch::cpu_relax();
}
} // namespace

void exit_kernel(bool success, const boot::CommandLine& command_line)
{
    hold(command_line);
    arch::qemu_exit(success);
    arch::halt_forever();
}

} // namespace gehri

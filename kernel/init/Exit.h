#pragma once

#include <kernel/boot/CommandLine.h>

namespace gehri {

// Ends the run: leaves QEMU with the pass or fail status (isa-debug-exit), or halts on
// hardware without it. With gehri.hold=serial it first waits for one byte on the serial
// port, so a test harness can look at the screen before the machine goes away.
[[noreturn]] void exit_kernel(bool success, const boot::CommandLine& command_line);

} // namespace gehri

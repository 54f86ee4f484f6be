#pragma once

namespace gehri {

// The kernel console on the serial port: reads command lines (kernel/shell/Commands.h) and
// answers them, for as long as the system runs. Called last by kernel_main, on its thread.
[[noreturn]] void run_kernel_console();

} // namespace gehri

#pragma once

#include <kernel/boot/CommandLine.h>
#include <stdint.h>

namespace gehri::arch {

// With gehri.crash=KIND on the command line, crashes the kernel on purpose so the boot tests
// can check the crash report end to end. KIND is one of:
//   page-fault    a kernel write to an unmapped address (CR2 = deliberate_fault_address)
//   divide        an integer division by zero (#DE)
//   double-fault  a push onto an unmapped stack: the #PF cannot be delivered, so the CPU
//                 raises #DF, which must arrive on its IST stack
//   panic         PANIC()
//   nested        a page fault whose report page-faults again: the report must print one
//                 line about it and stop, not loop
// Returns without doing anything when the option is absent; warns on an unknown KIND.
void crash_if_requested(const boot::CommandLine& command_line);

// Called by the exception report: faults again for gehri.crash=nested.
void crash_again_if_requested();

// Unmapped in every address space the kernel builds (a user-half address far above
// anything the boot page tables map), and recognizable in a report.
constexpr uint64_t deliberate_fault_address = 0x00000dead0000000;

} // namespace gehri::arch

#pragma once

#include <kernel/lib/StringView.h>

namespace gehri::arch {

// Serializes fatal reports (exception reports and panics). The first CPU to crash owns the
// report. begin_crash_report returns only to that CPU's outermost report; when the report
// itself crashes on that CPU, it prints `nested_summary` on one line, fails the QEMU run and
// halts (a third level just halts), so a broken report can never loop. Any other CPU that
// crashes meanwhile halts silently: one coherent report beats interleaved ones.
// Disables interrupts and puts the console in panic mode (no waiting on a lock the crashed
// code may hold).
void begin_crash_report(StringView nested_summary);

// Fails the QEMU run (isa-debug-exit status 35) and halts this CPU.
[[noreturn]] void finish_crash_report();

bool crash_in_progress();

// Installed by the SMP/APIC code once it can send IPIs: called once by the CPU that owns a
// crash report, before it prints, to stop the other CPUs (halt IPI or NMI). A CPU that
// takes an NMI while a crash is in progress halts quietly.
using StopOtherCpus = void (*)();
void set_stop_other_cpus_on_crash(StopOtherCpus stop);

// A CPU that is not reporting halts here for good (the NMI of a crash report, or a second
// crash meanwhile), counted so the reporter can tell that the machine stood still.
[[noreturn]] void halt_for_crash_report();
uint32_t cpus_halted_for_crash_report();

} // namespace gehri::arch

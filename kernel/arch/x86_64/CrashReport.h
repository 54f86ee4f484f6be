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

} // namespace gehri::arch

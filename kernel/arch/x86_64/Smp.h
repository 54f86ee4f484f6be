#pragma once

#include <stdint.h>

namespace gehri::boot {
struct BootInfo;
}

namespace gehri::arch {

// Makes Gehri a preemptive multiprocessor kernel. Called once by kernel_main on the boot CPU,
// after the platform and the boot CPU's scheduler are up, with interrupts off:
//   1. wires the scheduler to the machine: the tick handler, the reschedule IPI, TLB
//      shootdowns for mm, the crash report's stop-the-others NMI, interrupts live;
//   2. starts every other CPU the MADT lists (INIT-SIPI-SIPI through ApTrampoline.S), each on
//      its own guarded kernel stacks, and waits for it to join the scheduler;
//   3. prints "smp: N of M CPUs online" and enables interrupts: from here on the caller
//      ("main", pinned to the boot CPU) is an ordinary preemptible thread.
// A CPU that does not answer in time is reported on the console and left out.
void start_multiprocessing(const boot::BootInfo& boot_info);

struct SmpSummary {
    uint32_t listed { 1 }; // CPUs the MADT lists (and the kernel supports)
    uint32_t online { 1 }; // CPUs running the scheduler
    // The largest amount by which an AP's clock read behind the boot CPU's at startup (0 when
    // the time-stamp counters agree); logged, since the clock assumes synchronized TSCs.
    uint64_t worst_clock_lag_ns { 0 };
};
const SmpSummary& smp_summary();

} // namespace gehri::arch

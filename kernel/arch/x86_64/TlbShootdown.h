#pragma once

#include <stdint.h>

// Cross-CPU TLB invalidation. mm's AddressSpace::unmap flushes the local TLB and then calls
// the remote invalidator (installed by start_multiprocessing) with the range: every other CPU
// that takes part flushes it too before unmap returns.
//
// Deadlock freedom: the initiating CPU waits with interrupts off, and so may the CPUs it waits
// for (an unmap holds the address space's interrupt-safe lock, a CPU may spin on that lock).
// So a target does not depend on its interrupt alone: the request is also a per-CPU flag that
// every spinning CPU checks in cpu_relax() (ArchCpu.h), including the initiator's own waits.
namespace gehri::arch {

// Installs the IPI handler and mm's hook; the boot CPU joins.
void install_tlb_shootdown();

// Makes the calling CPU a target of shootdowns. It first flushes its whole TLB (global pages
// too), so nothing it cached before joining can be stale afterwards.
void join_tlb_shootdowns();

// Flushes [address, address + length) from every other participating CPU's TLB and returns
// when all have done it. Large ranges flush everything.
void shoot_down_tlb_range(uint64_t address, uint64_t length);

// How many shootdown requests this CPU has served (for tests).
uint64_t tlb_shootdowns_served_here();

} // namespace gehri::arch

#pragma once

#include <stdint.h>

namespace gehri::arch {
struct InterruptFrame;
}

// The per-CPU event timer (the local APIC timer on x86_64), delivering
// arch::vectors::local_timer on the CPU that armed it.
//
// Interrupt protocol: the timer interrupt handler first acknowledges the interrupt (local
// APIC EOI), then calls the tick handler, with interrupts still disabled. Acknowledging
// first is what lets the tick handler switch to another thread and not come back for a
// while: the APIC is ready for the next tick as soon as interrupts are enabled again. The
// tick handler must not re-enable interrupts itself before it returns or switches.
namespace gehri::time {

using TickHandler = void (*)(arch::InterruptFrame& frame);

// One handler for all CPUs (the scheduler's, once SMP is up); nullptr removes it. Ticks
// without a handler are only counted. Returns the handler it replaced, so that a test can put
// the scheduler's back.
TickHandler set_tick_handler(TickHandler handler);

// Arm this CPU's timer: every `period_ns` until stopped or re-armed, or once after
// `delay_ns`. Delays round up to the timer's resolution (a tick is never early) and are
// capped at max_timer_delay_ns(): a longer one-shot fires early and the caller re-arms.
void arm_periodic_ns(uint64_t period_ns);
void arm_oneshot_ns(uint64_t delay_ns);
void stop_timer();

uint64_t timer_frequency_hz();
uint64_t max_timer_delay_ns();
// Timer interrupts taken so far by the calling CPU (call with interrupts off, or pinned).
uint64_t timer_interrupt_count();

} // namespace gehri::time

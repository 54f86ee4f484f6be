#pragma once

#include <stdint.h>

// The scheduler driven by interrupts: the local timer's tick and the reschedule IPI.
//
// Tick model: periodic while a thread runs, tickless while idle. A CPU running a thread takes
// a scheduler tick every `tick_ns` (on_tick charges time, expires timers, ends slices,
// balances); a CPU going idle stops the periodic tick and arms a one-shot for its earliest
// timer deadline, but no later than `idle_poll_ns`, so an idle CPU still looks for work to pull
// from busy CPUs about as often as a busy CPU balances. Leaving the idle thread re-arms the
// periodic tick.
namespace gehri::arch {

constexpr uint64_t tick_ns = 1'000'000;
constexpr uint64_t idle_poll_ns = 4'000'000;

// Installs the tick handler, the reschedule IPI handler and the scheduler's IPI sender.
void install_preemption();

// This CPU: start the periodic tick (a thread runs), or arm the idle one-shot.
void start_periodic_tick();
void arm_idle_timer(uint64_t now_ns, uint64_t next_deadline_ns);
bool periodic_tick_running();

// The scheduler's reschedule request to another CPU.
void send_reschedule_ipi(uint32_t cpu);

// Reschedule IPIs taken by this CPU (for tests).
uint64_t reschedule_interrupts_here();

} // namespace gehri::arch

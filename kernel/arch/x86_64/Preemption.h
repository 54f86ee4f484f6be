#pragma once

#include <stdint.h>

namespace gehri::sched {
class Thread;
}

// The scheduler driven by interrupts: the local timer and the reschedule IPI.
//
// Timer model: tickless, one-shot only. Each CPU's local timer is always programmed for the
// earliest of
//   - its earliest timer deadline (sleeps, wait timeouts), so a sleep ends on time whether the
//     CPU is busy or idle, and
//   - the next scheduler tick: `tick_ns` from now while a thread runs (on_tick charges time,
//     ends slices, pays reserves, balances), `idle_poll_ns` while the CPU idles (so an idle
//     CPU still looks for work to pull about as often as a busy one balances).
// It is reprogrammed at every timer interrupt, when the CPU leaves or enters its idle thread,
// and at a switch after which the CPU's earliest deadline comes before the programmed expiry
// (a thread went to sleep). A timer moved to another CPU with its thread (migration) fires at
// that CPU's next tick.
namespace gehri::arch {

constexpr uint64_t tick_ns = 1'000'000;
constexpr uint64_t idle_poll_ns = 4'000'000;

// Installs the timer handler, the reschedule IPI handler and the scheduler's IPI sender.
void install_preemption();

// Programs this CPU's timer for a running thread (now + tick, or an earlier deadline).
void program_busy_timer(uint64_t now_ns, uint64_t next_deadline_ns);
// Programs this CPU's timer for its idle thread (now + idle poll, or an earlier deadline).
void program_idle_timer(uint64_t now_ns, uint64_t next_deadline_ns);
// At a context switch on this CPU (its run-queue lock held): keeps the timer right for `to`.
void program_timer_for_switch(const sched::Thread& from, const sched::Thread& to, uint64_t next_deadline_ns);

// The scheduler's reschedule request to another CPU.
void send_reschedule_ipi(uint32_t cpu);

// Reschedule IPIs taken by this CPU (for tests).
uint64_t reschedule_interrupts_here();

} // namespace gehri::arch

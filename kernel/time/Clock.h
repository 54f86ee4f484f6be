#pragma once

#include <kernel/time/MonotonicClock.h>

// The system's monotonic clock, for every subsystem: nanoseconds since timekeeping started
// early in boot. Each CPU reads its own counter, so readings on one CPU never go backwards;
// across CPUs they agree as well as the counters are synchronized (SMP bring-up checks that).
namespace gehri::time {

uint64_t now_ns();
bool clock_is_running();
uint64_t clock_counter_frequency_hz();

// Installed once by the architecture's timekeeping setup (also becomes the log's clock).
void install_clock(const MonotonicClock& clock);

// Spins (interrupts untouched) until at least `ns` have passed; returns at once if the clock
// is not running yet.
void busy_wait_ns(uint64_t ns);

} // namespace gehri::time

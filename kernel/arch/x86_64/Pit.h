#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::arch::pit {

constexpr uint64_t frequency_hz = 1'193'182;

// Counts `ticks` down on PIT channel 2 (speaker disconnected) and polls its output through
// port 0x61 until it goes high: a fixed, known interval with no interrupts involved, for
// calibrating when there is no HPET. `on_start` runs right after counting starts, `on_end`
// right after the output is seen high. TimedOut when the output never rises (no PIT, or a
// gate that does not work) within `timeout_tsc_ticks` of the TSC.
using Sampler = void (*)(void* context);
Result<void> measure_channel2_interval(uint16_t ticks, uint64_t timeout_tsc_ticks, Sampler on_start, Sampler on_end, void* context);

// Channel 0 as a periodic interrupt source on ISA IRQ 0 (used by tests that check IOAPIC
// routing), and back to silence.
void start_channel0_periodic(uint16_t divisor);
void stop_channel0();

} // namespace gehri::arch::pit

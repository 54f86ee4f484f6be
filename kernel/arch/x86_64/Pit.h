#pragma once

#include <stdint.h>

namespace gehri::arch::pit {

constexpr uint64_t frequency_hz = 1'193'182;

// Channel 2 (gate high, speaker disconnected) as a reference counter for calibrating when
// there is no HPET: it counts down from 0xFFFF once, ~55 ms. Reading the count (latched, so
// both bytes belong together) rather than polling the output means only the reads
// themselves carry timing doubt, however long a poll loop gets descheduled.
void start_channel2_countdown();
uint16_t read_channel2();
// The count passed zero: readings after this point are not comparable to earlier ones.
bool channel2_expired();
void stop_channel2();

// Channel 0 as a periodic interrupt source on ISA IRQ 0 (used by tests that check IOAPIC
// routing), and back to silence.
void start_channel0_periodic(uint16_t divisor);
void stop_channel0();

} // namespace gehri::arch::pit

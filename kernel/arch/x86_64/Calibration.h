#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <stdint.h>

namespace gehri::arch {

class Hpet;

struct Calibration {
    uint64_t tsc_hz { 0 };
    uint64_t lapic_timer_hz { 0 }; // the timer's count rate, after lapic::timer::divider
    StringView reference;
};

// Measures this CPU's TSC and local APIC timer together over ~10 ms intervals of a
// reference clock, with interrupts off. Each run knows how long its own samples took; a run
// whose samples were slow (the vCPU descheduled, an SMI) is retried, and the medians of five
// good runs are the result. OutOfRange when a result is implausible; TimedOut when the
// reference does not advance. The local APIC must be initialized; its timer is left stopped.
Result<Calibration> calibrate_against_hpet(const Hpet& hpet);
Result<Calibration> calibrate_against_pit();

// What counts as believable: a TSC between 50 MHz and 20 GHz, a timer between 1 MHz and 10 GHz.
bool calibration_is_plausible(const Calibration& calibration);

} // namespace gehri::arch

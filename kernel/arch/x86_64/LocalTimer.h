#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::arch {

// Gives the local timer its calibrated rate (the same on every CPU: they share one bus clock).
Result<void> set_local_timer_frequency(uint64_t hz);

// Installs the handler for vectors::local_timer (the spurious vector is the interrupt
// dispatcher's own business).
void install_local_timer_handler();

} // namespace gehri::arch

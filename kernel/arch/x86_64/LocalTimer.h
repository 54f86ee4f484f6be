#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::arch {

// Gives the local timer its calibrated rate (the same on every CPU: they share one bus clock).
Result<void> set_local_timer_frequency(uint64_t hz);

// Installs the local timer's and the spurious vector's handlers (needs the IDT).
void install_local_timer_handlers();

} // namespace gehri::arch

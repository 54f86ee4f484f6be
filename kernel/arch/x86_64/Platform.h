#pragma once

#include <stdint.h>

namespace gehri::boot {
struct BootInfo;
}

namespace gehri::arch {

// Brings up the boot CPU's platform: ACPI discovery, the legacy PICs masked, the local APIC
// and the IOAPICs, the HPET (or the PIT) as reference, the TSC clock (also the log's clock)
// and the local timer's calibration. Prints the CPU and timer lines of the boot banner.
// Panics when the machine lacks what Gehri cannot run without (ACPI with a MADT, an APIC,
// any reference timer).
void initialize_platform(const boot::BootInfo& boot_info);

// What initialize_platform found, for tests and later subsystems.
struct PlatformSummary {
    uint64_t tsc_hz { 0 };
    uint64_t lapic_timer_hz { 0 };
    const char* reference { "" }; // "HPET" or "PIT"
    uint32_t boot_apic_id { 0 };
    uint32_t expected_cpus { 0 }; // gehri.expect_cpus=N on the command line; 0 if absent
};
const PlatformSummary& platform_summary();

class Hpet;
// The HPET the clock was calibrated against; is_present() is false on machines without one.
const Hpet& platform_hpet();

} // namespace gehri::arch

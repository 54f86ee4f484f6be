#include <kernel/acpi/Acpi.h>
#include <kernel/acpi/CpuList.h>
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Calibration.h>
#include <kernel/arch/x86_64/Hpet.h>
#include <kernel/arch/x86_64/IoApic.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/LocalTimer.h>
#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/Pic.h>
#include <kernel/arch/x86_64/Platform.h>
#include <kernel/boot/BootInfo.h>
#include <kernel/boot/CommandLine.h>
#include <kernel/console/Console.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/time/Clock.h>

namespace gehri::arch {

namespace {

PlatformSummary s_summary;
Hpet s_hpet;

uint64_t read_tsc() { return read_timestamp_counter(); }

bool tsc_is_invariant()
{
    if (cpuid(0x80000000).eax < 0x80000007)
        return false;
    return cpuid(0x80000007).edx & (1u << 8);
}

uint32_t parse_decimal(StringView text)
{
    uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || value > 100000)
            return 0;
        value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    return value;
}

void discover_firmware_tables(const boot::BootInfo& boot_info)
{
    auto discovered = acpi::initialize(boot_info);
    if (discovered.is_error())
        PANIC("ACPI tables unusable ({}): Gehri needs ACPI to find CPUs and interrupt controllers", error_name(discovered.error()));
    if (!acpi::platform().has_madt)
        PANIC("no usable ACPI MADT: Gehri needs it to find CPUs and interrupt controllers");
}

void bring_up_interrupt_controllers(const acpi::Madt& madt)
{
    if (madt.has_legacy_pics)
        disable_legacy_pics();
    auto lapic_ready = lapic::initialize_boot_cpu(madt);
    if (lapic_ready.is_error())
        PANIC("local APIC unusable ({})", error_name(lapic_ready.error()));
    auto ioapics_ready = ioapic::initialize(madt);
    if (ioapics_ready.is_error())
        PANIC("IOAPIC unusable ({})", error_name(ioapics_ready.error()));
}

Calibration calibrate_timers(const acpi::Platform& platform)
{
    if (platform.has_hpet) {
        auto hpet = Hpet::create(platform.hpet.address);
        if (hpet.is_ok()) {
            s_hpet = hpet.value();
            auto calibration = calibrate_against_hpet(s_hpet);
            if (calibration.is_ok())
                return calibration.value();
            log::warn("time: calibration against the HPET failed ({}); trying the PIT", error_name(calibration.error()));
        } else {
            log::warn("time: HPET at {:#x} unusable ({}); trying the PIT", platform.hpet.address, error_name(hpet.error()));
        }
    }
    auto calibration = calibrate_against_pit();
    if (calibration.is_error())
        PANIC("cannot calibrate the TSC: no usable HPET and the PIT failed ({})", error_name(calibration.error()));
    return calibration.value();
}

void start_timekeeping(const acpi::Platform& platform, uint64_t boot_tsc)
{
    Calibration calibration = calibrate_timers(platform);
    auto clock = time::MonotonicClock::create(read_tsc, calibration.tsc_hz, boot_tsc);
    if (clock.is_error())
        PANIC("TSC clock setup failed ({})", error_name(clock.error()));
    time::install_clock(clock.value());
    if (auto timer = set_local_timer_frequency(calibration.lapic_timer_hz); timer.is_error())
        PANIC("local timer setup failed ({})", error_name(timer.error()));
    install_local_timer_handler();
    s_summary.tsc_hz = calibration.tsc_hz;
    s_summary.lapic_timer_hz = calibration.lapic_timer_hz;
    s_summary.reference = calibration.reference.characters();
    if (!tsc_is_invariant())
        log::info("time: the CPU does not report an invariant TSC (usual under emulation); the clock may drift with power states");
}

void print_banner_lines()
{
    const acpi::CpuList& cpus = acpi::cpus();
    char ids[256];
    BufferSink sink(ids, sizeof(ids));
    for (size_t i = 0; i < cpus.count(); ++i)
        format_to(sink, "{}{}", i ? " " : "", cpus.apic_id(i));
    bool one = cpus.count() == 1;
    console::print("  cpus: {} CPU{} (APIC id{} {}), boot CPU APIC id {}\n", cpus.count(), one ? "" : "s", one ? "" : "s", sink.view(), s_summary.boot_apic_id);
    console::print("  time: TSC {} kHz, local APIC timer {} kHz, calibrated against the {}\n",
        s_summary.tsc_hz / 1000, s_summary.lapic_timer_hz / 1000, s_summary.reference);
}

} // namespace

void initialize_platform(const boot::BootInfo& boot_info)
{
    // The clock counts from here: the earliest point the kernel takes a timestamp.
    uint64_t boot_tsc = read_timestamp_counter();
    boot::CommandLine command_line(boot_info.command_line);
    s_summary.expected_cpus = parse_decimal(command_line.value_of("gehri.expect_cpus"));

    discover_firmware_tables(boot_info);
    const acpi::Platform& platform = acpi::platform();
    bring_up_interrupt_controllers(platform.madt);
    s_summary.boot_apic_id = lapic::id();
    acpi::set_cpus(acpi::CpuList::from_madt(platform.madt, s_summary.boot_apic_id));
    start_timekeeping(platform, boot_tsc);
    print_banner_lines();
    if (s_summary.expected_cpus != 0 && s_summary.expected_cpus != acpi::cpus().count())
        log::error("platform: gehri.expect_cpus={} but the MADT lists {} usable CPUs", s_summary.expected_cpus, acpi::cpus().count());
}

const PlatformSummary& platform_summary() { return s_summary; }
const Hpet& platform_hpet() { return s_hpet; }

} // namespace gehri::arch

#include <kernel/acpi/Acpi.h>
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Calibration.h>
#include <kernel/arch/x86_64/Hpet.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/Pit.h>
#include <kernel/arch/x86_64/Platform.h>
#include <kernel/log/Log.h>
#include <kernel/tests/Framework.h>
#include <kernel/time/Clock.h>
#include <kernel/time/Timer.h>

using namespace gehri;

namespace {

constexpr uint64_t millisecond = 1'000'000;

uint64_t difference(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

// `value` within `percent` of `reference`.
bool within_percent(uint64_t value, uint64_t reference, uint64_t percent)
{
    return difference(value, reference) * 100 <= reference * percent;
}

// A clock reading and a reference counter reading taken together. The reference read is
// bracketed by two clock reads; if the vCPU was descheduled in between (the bracket is wide),
// try again, so the pair is accurate to a few microseconds whatever the host is doing.
struct PairedSample {
    uint64_t ns;
    uint64_t reference;
    bool valid;
};

template<typename ReadReference>
PairedSample paired_sample(ReadReference read_reference)
{
    for (int attempt = 0; attempt < 1000; ++attempt) {
        uint64_t before = time::now_ns();
        uint64_t counter = read_reference();
        uint64_t after = time::now_ns();
        if (after - before < 100'000)
            return { before + (after - before) / 2, counter, true };
    }
    return { 0, 0, false };
}

// Interrupts on until `done()` or `timeout_ns` of monotonic time; returns the time waited.
// Waiting for the event rather than for a fixed time keeps the tests immune to an emulator
// that falls behind when the host is busy.
template<typename Condition>
uint64_t wait_with_interrupts_until(Condition done, uint64_t timeout_ns)
{
    uint64_t started = time::now_ns();
    arch::enable_interrupts();
    while (!done() && time::now_ns() - started < timeout_ns)
        arch::cpu_relax();
    arch::disable_interrupts();
    return time::now_ns() - started;
}

struct TickObservation {
    uint64_t calls;
    uint64_t first_call_ns;
    uint64_t vector;
    bool interrupts_were_off;
    uint32_t cpu; // the test's CPU: the other CPUs' ticks go on to the scheduler
    time::TickHandler previous;
};
TickObservation s_ticks;

void observing_tick_handler(arch::InterruptFrame& frame)
{
    if (arch::current_cpu_index() != s_ticks.cpu) {
        if (s_ticks.previous)
            s_ticks.previous(frame);
        return;
    }
    if (s_ticks.calls++ == 0)
        s_ticks.first_call_ns = time::now_ns();
    s_ticks.vector = frame.vector;
    s_ticks.interrupts_were_off = !arch::interrupts_enabled();
}

// Takes this CPU's timer from the scheduler for a test: the observing handler counts instead of
// the scheduler's (which would re-arm its own tick), and a tick the scheduler armed before is
// stopped, or let fire now if it is already pending, so that it cannot be counted as the
// test's. Interrupts must be off; the caller restores the handler.
void take_timer_for_test()
{
    s_ticks = {};
    s_ticks.cpu = arch::current_cpu_index();
    s_ticks.previous = time::set_tick_handler(observing_tick_handler);
    time::stop_timer();
    wait_with_interrupts_until([] { return false; }, 2 * millisecond);
    s_ticks.calls = 0;
    s_ticks.first_call_ns = 0;
}

} // namespace

KERNEL_TEST(time_clock_is_running_and_monotonic)
{
    EXPECT(time::clock_is_running());
    uint64_t previous = time::now_ns();
    bool monotonic = true;
    for (int i = 0; i < 200'000; ++i) {
        uint64_t now = time::now_ns();
        monotonic = monotonic && now >= previous;
        previous = now;
    }
    EXPECT(monotonic);
    uint64_t start = time::now_ns();
    time::busy_wait_ns(2 * millisecond);
    EXPECT(time::now_ns() - start >= 2 * millisecond);
}

KERNEL_TEST(time_clock_agrees_with_its_reference)
{
    const arch::Hpet& hpet = arch::platform_hpet();
    EXPECT_EQ(hpet.is_present(), acpi::platform().has_hpet);
    if (!hpet.is_present()) {
        // The PIT fallback: ~40 ms of channel 2's countdown against the clock.
        EXPECT(arch::platform_summary().reference == StringView("PIT"));
        arch::pit::start_channel2_countdown();
        PairedSample start = paired_sample(arch::pit::read_channel2);
        time::busy_wait_ns(40 * millisecond);
        PairedSample end = paired_sample(arch::pit::read_channel2);
        EXPECT(!arch::pit::channel2_expired());
        arch::pit::stop_channel2();
        EXPECT(start.valid && end.valid);
        uint64_t pit_ns = time::frequency_from_measurement(start.reference - end.reference, arch::pit::frequency_hz, time::nanoseconds_per_second);
        log::info("time test: clock {} ns vs PIT {} ns", end.ns - start.ns, pit_ns);
        EXPECT(within_percent(end.ns - start.ns, pit_ns, 2));
        return;
    }
    EXPECT(arch::platform_summary().reference == StringView("HPET"));
    auto read_hpet = [&] { return hpet.read_counter(); };
    PairedSample start = paired_sample(read_hpet);
    time::busy_wait_ns(50 * millisecond);
    PairedSample end = paired_sample(read_hpet);
    EXPECT(start.valid && end.valid);
    uint64_t hpet_ns = time::frequency_from_measurement(hpet.ticks_between(start.reference, end.reference), hpet.frequency_hz(), time::nanoseconds_per_second);
    uint64_t clock_ns = end.ns - start.ns;
    log::info("time test: clock {} ns vs HPET {} ns", clock_ns, hpet_ns);
    // The busy wait is measured by the calibrated clock itself, so the HPET may see up to the
    // same 2% less than the 50 ms asked for.
    EXPECT(hpet_ns >= 49 * millisecond);
    // The TSC was calibrated against this HPET; 2% leaves room for a calibration disturbed by
    // the host and the 100 us pairing uncertainty, and still catches a wrong scale factor.
    EXPECT(within_percent(clock_ns, hpet_ns, 2));
}

KERNEL_TEST(time_calibrated_frequencies_are_plausible)
{
    const arch::PlatformSummary& summary = arch::platform_summary();
    arch::Calibration calibration { summary.tsc_hz, summary.lapic_timer_hz, summary.reference };
    EXPECT(arch::calibration_is_plausible(calibration));
    EXPECT_EQ(time::clock_counter_frequency_hz(), summary.tsc_hz);
    EXPECT_EQ(time::timer_frequency_hz(), summary.lapic_timer_hz);
    EXPECT(time::max_timer_delay_ns() >= 1'000'000'000); // a 32-bit count covers seconds
    // A second calibration against the same reference lands close to the first.
    if (arch::platform_hpet().is_present()) {
        auto again = arch::calibrate_against_hpet(arch::platform_hpet());
        EXPECT(again.is_ok());
        if (again.is_ok()) {
            EXPECT(within_percent(again.value().tsc_hz, summary.tsc_hz, 2));
            EXPECT(within_percent(again.value().lapic_timer_hz, summary.lapic_timer_hz, 2));
        }
    }
}

KERNEL_TEST(time_pit_fallback_calibration_agrees)
{
    auto calibration = arch::calibrate_against_pit();
    EXPECT(calibration.is_ok());
    if (calibration.is_error())
        return;
    EXPECT(calibration.value().reference == StringView("PIT"));
    log::info("time test: PIT calibration TSC {} Hz, timer {} Hz", calibration.value().tsc_hz, calibration.value().lapic_timer_hz);
    // Polling the PIT's gate output is coarser than reading the HPET; 10% still tells a
    // working fallback from a broken one.
    EXPECT(within_percent(calibration.value().tsc_hz, arch::platform_summary().tsc_hz, 10));
    EXPECT(within_percent(calibration.value().lapic_timer_hz, arch::platform_summary().lapic_timer_hz, 10));
}

KERNEL_TEST(timer_periodic_delivers_ticks_at_its_rate)
{
    constexpr uint64_t wanted = 50;
    arch::InterruptState state = arch::save_and_disable_interrupts();
    uint64_t before = time::timer_interrupt_count();
    time::arm_periodic_ns(millisecond);
    uint64_t elapsed = wait_with_interrupts_until([&] { return time::timer_interrupt_count() - before >= wanted; }, 5'000 * millisecond);
    time::stop_timer();
    uint64_t ticks = time::timer_interrupt_count() - before;
    log::info("time test: {} periodic ticks of 1 ms in {} us", ticks, elapsed / 1000);
    EXPECT(ticks >= wanted);
    // Never faster than the period (a host that falls behind only ever makes ticks late); the
    // slack covers a tick left pending by an earlier test.
    EXPECT(elapsed + 2 * millisecond >= ticks * millisecond);
    // Stopped means stopped.
    uint64_t after_stop = time::timer_interrupt_count();
    wait_with_interrupts_until([] { return false; }, 5 * millisecond);
    EXPECT_EQ(time::timer_interrupt_count(), after_stop);
    arch::restore_interrupts(state);
}

KERNEL_TEST(timer_oneshot_fires_once_not_early_and_calls_the_tick_handler)
{
    arch::InterruptState state = arch::save_and_disable_interrupts();
    take_timer_for_test();
    uint64_t before = time::timer_interrupt_count();
    uint64_t armed_at = time::now_ns();
    time::arm_oneshot_ns(3 * millisecond);
    wait_with_interrupts_until([&] { return time::timer_interrupt_count() != before; }, 5'000 * millisecond);
    // Long enough for a wrongly periodic timer to fire again.
    wait_with_interrupts_until([] { return false; }, 10 * millisecond);
    time::set_tick_handler(s_ticks.previous);
    EXPECT_EQ(time::timer_interrupt_count() - before, 1u);
    EXPECT_EQ(s_ticks.calls, 1u);
    EXPECT_EQ(s_ticks.vector, static_cast<uint64_t>(arch::vectors::local_timer));
    EXPECT(s_ticks.interrupts_were_off);
    log::info("time test: 3 ms one-shot fired after {} ns", s_ticks.first_call_ns - armed_at);
    // Not early (allowing 1% for the two calibrations' disagreement).
    EXPECT(s_ticks.first_call_ns - armed_at >= 3 * millisecond - 30'000);
    arch::restore_interrupts(state);
}

KERNEL_TEST(timer_rearming_replaces_the_pending_oneshot)
{
    arch::InterruptState state = arch::save_and_disable_interrupts();
    take_timer_for_test();
    uint64_t before = time::timer_interrupt_count();
    time::arm_oneshot_ns(10'000 * millisecond);
    time::arm_oneshot_ns(2 * millisecond);
    uint64_t waited = wait_with_interrupts_until([&] { return time::timer_interrupt_count() != before; }, 5'000 * millisecond);
    time::stop_timer();
    EXPECT_EQ(time::timer_interrupt_count() - before, 1u);
    EXPECT(waited < 5'000 * millisecond); // the 2 ms one fired, not the 10 s one
    // A zero delay still fires (the smallest count), rather than stopping the timer.
    before = time::timer_interrupt_count();
    time::arm_oneshot_ns(0);
    wait_with_interrupts_until([&] { return time::timer_interrupt_count() != before; }, 5'000 * millisecond);
    EXPECT_EQ(time::timer_interrupt_count() - before, 1u);
    time::set_tick_handler(s_ticks.previous);
    arch::restore_interrupts(state);
}

#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Calibration.h>
#include <kernel/arch/x86_64/Hpet.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Pit.h>
#include <kernel/log/Log.h>
#include <kernel/time/RateConversion.h>

namespace gehri::arch {

namespace {

constexpr size_t runs = 5;
constexpr size_t max_attempts = 4 * runs;
constexpr uint64_t interval_ns = 10'000'000;
// A run counts only if its samples' timing doubt is below 1/500 of its length (0.2%).
constexpr uint64_t doubt_divisor = 500;
// Far longer than any interval at any plausible TSC rate: only a dead reference gets here.
constexpr uint64_t timeout_tsc_ticks = 1ull << 34;

struct Sample {
    uint64_t tsc;
    uint32_t lapic;
};

Sample take_sample()
{
    Sample sample;
    sample.tsc = read_timestamp_counter();
    sample.lapic = lapic::timer::current_count();
    return sample;
}

// One run: the counters' advance over a reference interval, and how much to trust it.
struct Measurement {
    Calibration calibration;
    uint64_t tsc_ticks;
    uint64_t doubt_tsc_ticks;

    bool is_trustworthy() const { return doubt_tsc_ticks * doubt_divisor <= tsc_ticks; }
};

Measurement from_interval(const Sample& start, const Sample& end, uint64_t reference_ticks, uint64_t reference_hz, uint64_t doubt)
{
    Measurement measurement;
    measurement.tsc_ticks = end.tsc - start.tsc;
    measurement.doubt_tsc_ticks = doubt;
    measurement.calibration.tsc_hz = time::frequency_from_measurement(end.tsc - start.tsc, reference_ticks, reference_hz);
    measurement.calibration.lapic_timer_hz = time::frequency_from_measurement(start.lapic - end.lapic, reference_ticks, reference_hz);
    return measurement;
}

void start_lapic_countdown()
{
    lapic::timer::configure(vectors::local_timer, lapic::timer::Mode::OneShot, true);
    lapic::timer::set_initial_count(UINT32_MAX);
}

// The counters and the reference read together; the TSC reads on both sides bound how long
// that took (on an emulator, a vCPU descheduled or waiting for the device model shows up here).
struct ReferenceSample {
    Sample counters;
    uint64_t reference;
    uint64_t doubt;
};

template<typename ReadReference>
ReferenceSample take_reference_sample(ReadReference read_reference)
{
    ReferenceSample sample;
    sample.counters = take_sample();
    sample.reference = read_reference();
    sample.doubt = read_timestamp_counter() - sample.counters.tsc;
    return sample;
}

Result<Measurement> measure_against_hpet(const Hpet& hpet)
{
    auto read_hpet = [&] { return hpet.read_counter(); };
    uint64_t wanted = time::frequency_from_measurement(interval_ns, time::nanoseconds_per_second, hpet.frequency_hz());
    start_lapic_countdown();
    ReferenceSample start = take_reference_sample(read_hpet);
    while (hpet.ticks_between(start.reference, hpet.read_counter()) < wanted) {
        if (read_timestamp_counter() - start.counters.tsc > timeout_tsc_ticks)
            return Error::TimedOut;
    }
    ReferenceSample end = take_reference_sample(read_hpet);
    return from_interval(start.counters, end.counters, hpet.ticks_between(start.reference, end.reference), hpet.frequency_hz(), start.doubt + end.doubt);
}

Result<Measurement> measure_against_pit()
{
    constexpr uint64_t wanted = pit::frequency_hz * interval_ns / time::nanoseconds_per_second;
    start_lapic_countdown();
    pit::start_channel2_countdown();
    ReferenceSample start = take_reference_sample(pit::read_channel2);
    while (start.reference - pit::read_channel2() < wanted) {
        if (pit::channel2_expired())
            break; // stalled past the whole countdown: caught below
        if (read_timestamp_counter() - start.counters.tsc > timeout_tsc_ticks) {
            pit::stop_channel2();
            return Error::TimedOut;
        }
    }
    ReferenceSample end = take_reference_sample(pit::read_channel2);
    bool expired = pit::channel2_expired();
    pit::stop_channel2();
    Measurement measurement = from_interval(start.counters, end.counters, start.reference - end.reference, pit::frequency_hz, start.doubt + end.doubt);
    // Past terminal count the counter wrapped and the difference means nothing.
    if (expired || end.reference > start.reference)
        measurement.doubt_tsc_ticks = UINT64_MAX / doubt_divisor;
    return measurement;
}

void sort(uint64_t* values, size_t count)
{
    for (size_t i = 1; i < count; ++i) {
        for (size_t j = i; j > 0 && values[j - 1] > values[j]; --j) {
            uint64_t swap = values[j];
            values[j] = values[j - 1];
            values[j - 1] = swap;
        }
    }
}

uint64_t median(uint64_t* values, size_t count)
{
    sort(values, count);
    return values[count / 2];
}

// Relative doubt in parts per million, for ranking disturbed runs.
uint64_t doubt_ppm(const Measurement& m)
{
    if (m.tsc_ticks == 0)
        return UINT64_MAX;
    return time::frequency_from_measurement(m.doubt_tsc_ticks, m.tsc_ticks, 1'000'000);
}

// Up to `runs` trustworthy measurements out of at most max_attempts, and their medians. On a
// machine so disturbed that none is trustworthy, the least doubtful few are the best there
// is (and that is logged).
template<typename Measure>
Result<Calibration> calibrate(Measure measure, StringView reference)
{
    Measurement attempts[max_attempts];
    size_t attempt_count = 0, trusted = 0;
    InterruptState state = save_and_disable_interrupts();
    while (trusted < runs && attempt_count < max_attempts) {
        auto measured = measure();
        if (measured.is_error()) {
            lapic::timer::set_initial_count(0);
            restore_interrupts(state);
            return measured.error();
        }
        attempts[attempt_count++] = measured.value();
        log::debug("time: {} run: TSC {} Hz, doubt {} ppm", reference, measured.value().calibration.tsc_hz, doubt_ppm(measured.value()));
        trusted += measured.value().is_trustworthy() ? 1 : 0;
    }
    lapic::timer::set_initial_count(0);
    restore_interrupts(state);

    // The trusted runs, or failing those the three least doubtful, in front.
    for (size_t i = 1; i < attempt_count; ++i) {
        for (size_t j = i; j > 0 && doubt_ppm(attempts[j - 1]) > doubt_ppm(attempts[j]); --j) {
            Measurement swap = attempts[j];
            attempts[j] = attempts[j - 1];
            attempts[j - 1] = swap;
        }
    }
    size_t used = trusted;
    if (used == 0) {
        used = attempt_count < 3 ? attempt_count : 3;
        log::warn("time: all {} calibration runs against the {} were disturbed (best doubt {} ppm); using the least doubtful",
            attempt_count, reference, doubt_ppm(attempts[0]));
    }
    uint64_t tsc[max_attempts], lapic[max_attempts];
    for (size_t i = 0; i < used; ++i) {
        tsc[i] = attempts[i].calibration.tsc_hz;
        lapic[i] = attempts[i].calibration.lapic_timer_hz;
    }
    Calibration result;
    result.reference = reference;
    result.tsc_hz = median(tsc, used);
    result.lapic_timer_hz = median(lapic, used);
    log::debug("time: calibration against the {}: {} of {} runs trusted, TSC {} Hz", reference, trusted, attempt_count, result.tsc_hz);
    if (!calibration_is_plausible(result))
        return Error::OutOfRange;
    return result;
}

} // namespace

bool calibration_is_plausible(const Calibration& calibration)
{
    return calibration.tsc_hz >= 50'000'000 && calibration.tsc_hz <= 20'000'000'000
        && calibration.lapic_timer_hz >= 1'000'000 && calibration.lapic_timer_hz <= 10'000'000'000;
}

Result<Calibration> calibrate_against_hpet(const Hpet& hpet)
{
    return calibrate([&] { return measure_against_hpet(hpet); }, "HPET");
}

Result<Calibration> calibrate_against_pit()
{
    return calibrate([] { return measure_against_pit(); }, "PIT");
}

} // namespace gehri::arch

#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Calibration.h>
#include <kernel/arch/x86_64/Hpet.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Pit.h>
#include <kernel/time/RateConversion.h>

namespace gehri::arch {

namespace {

constexpr size_t runs = 5;
constexpr uint64_t interval_ns = 10'000'000;
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

void start_lapic_countdown()
{
    lapic::timer::configure(vectors::local_timer, lapic::timer::Mode::OneShot, true);
    lapic::timer::set_initial_count(UINT32_MAX);
}

Calibration from_interval(const Sample& start, const Sample& end, uint64_t reference_ticks, uint64_t reference_hz)
{
    Calibration result;
    result.tsc_hz = time::frequency_from_measurement(end.tsc - start.tsc, reference_ticks, reference_hz);
    result.lapic_timer_hz = time::frequency_from_measurement(start.lapic - end.lapic, reference_ticks, reference_hz);
    return result;
}

Result<Calibration> measure_against_hpet(const Hpet& hpet)
{
    uint64_t wanted = time::frequency_from_measurement(interval_ns, time::nanoseconds_per_second, hpet.frequency_hz());
    start_lapic_countdown();
    uint64_t hpet_start = hpet.read_counter();
    Sample start = take_sample();
    while (hpet.ticks_between(hpet_start, hpet.read_counter()) < wanted) {
        if (read_timestamp_counter() - start.tsc > timeout_tsc_ticks)
            return Error::TimedOut;
    }
    Sample end = take_sample();
    uint64_t elapsed = hpet.ticks_between(hpet_start, hpet.read_counter());
    return from_interval(start, end, elapsed, hpet.frequency_hz());
}

Result<Calibration> measure_against_pit()
{
    constexpr uint16_t ticks = pit::frequency_hz * interval_ns / time::nanoseconds_per_second;
    Sample samples[2];
    start_lapic_countdown();
    TRY(pit::measure_channel2_interval(
        ticks, timeout_tsc_ticks,
        [](void* context) { static_cast<Sample*>(context)[0] = take_sample(); },
        [](void* context) { static_cast<Sample*>(context)[1] = take_sample(); },
        samples));
    return from_interval(samples[0], samples[1], ticks, pit::frequency_hz);
}

void sort(uint64_t (&values)[runs])
{
    for (size_t i = 1; i < runs; ++i) {
        for (size_t j = i; j > 0 && values[j - 1] > values[j]; --j) {
            uint64_t swap = values[j];
            values[j] = values[j - 1];
            values[j - 1] = swap;
        }
    }
}

enum class Pick { Median, Minimum };

template<typename Measure>
Result<Calibration> calibrate(Measure measure, Pick pick, StringView reference)
{
    uint64_t tsc[runs];
    uint64_t lapic[runs];
    InterruptState state = save_and_disable_interrupts();
    for (size_t i = 0; i < runs; ++i) {
        auto measured = measure();
        if (measured.is_error()) {
            lapic::timer::set_initial_count(0);
            restore_interrupts(state);
            return measured.error();
        }
        tsc[i] = measured.value().tsc_hz;
        lapic[i] = measured.value().lapic_timer_hz;
    }
    lapic::timer::set_initial_count(0);
    restore_interrupts(state);
    sort(tsc);
    sort(lapic);
    size_t chosen = pick == Pick::Median ? runs / 2 : 0;
    Calibration result { tsc[chosen], lapic[chosen], reference };
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
    return calibrate([&] { return measure_against_hpet(hpet); }, Pick::Median, "HPET");
}

Result<Calibration> calibrate_against_pit()
{
    return calibrate([] { return measure_against_pit(); }, Pick::Minimum, "PIT");
}

} // namespace gehri::arch

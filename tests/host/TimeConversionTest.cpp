#include <gtest/gtest.h>
#include <kernel/time/MonotonicClock.h>
#include <kernel/time/RateConversion.h>

using namespace gehri;
using namespace gehri::time;

namespace {

unsigned __int128 exact(uint64_t count, uint64_t from_hz, uint64_t to_hz)
{
    return static_cast<unsigned __int128>(count) * to_hz / from_hz;
}

RateConversion conversion(uint64_t from_hz, uint64_t to_hz)
{
    auto result = RateConversion::create(from_hz, to_hz);
    EXPECT_TRUE(result.is_ok());
    return result.is_ok() ? result.value() : RateConversion {};
}

constexpr uint64_t seconds_per_year = 365ull * 24 * 3600;

} // namespace

TEST(RateConversion, IdentityAndSimpleRatios)
{
    auto identity = conversion(1'000'000'000, 1'000'000'000);
    EXPECT_EQ(identity.convert(0), 0u);
    EXPECT_EQ(identity.convert(1), 1u);
    EXPECT_EQ(identity.convert(123456789), 123456789u);
    EXPECT_EQ(identity.convert(UINT64_MAX), UINT64_MAX);

    auto tsc_3ghz = conversion(3'000'000'000, nanoseconds_per_second);
    EXPECT_EQ(tsc_3ghz.convert(3'000'000'000), 1'000'000'000u);
    EXPECT_EQ(tsc_3ghz.convert(3), 1u);
    EXPECT_EQ(tsc_3ghz.convert(2), 0u); // floor: 0.67 ns

    auto hpet = conversion(100'000'000, nanoseconds_per_second); // QEMU's 10 ns period
    EXPECT_EQ(hpet.convert(1), 10u);
    EXPECT_EQ(hpet.convert(100'000'000), 1'000'000'000u);
}

TEST(RateConversion, AgreesWithExactArithmeticForOddFrequencies)
{
    const uint64_t frequencies[] = { 1, 32768, 1'193'182, 14'318'180, 62'500'000, 2'893'456'789, 3'999'999'999, 5'000'000'123 };
    const uint64_t counts[] = { 0, 1, 999, 1'000'000'007, 1ull << 40, 0x7FFF'FFFF'FFFF'FFFF, UINT64_MAX };
    for (uint64_t from : frequencies) {
        auto to_ns = conversion(from, nanoseconds_per_second);
        for (uint64_t count : counts) {
            unsigned __int128 want = exact(count, from, nanoseconds_per_second);
            uint64_t got = to_ns.convert(count);
            if (want > UINT64_MAX) {
                EXPECT_EQ(got, UINT64_MAX) << "from " << from << " count " << count;
                continue;
            }
            // The rounded-up 63-bit multiplier never undershoots and overshoots by at most
            // count / 2^shift + 1 units: 2 for the largest counts.
            EXPECT_GE(static_cast<unsigned __int128>(got), want) << "from " << from << " count " << count;
            EXPECT_LE(static_cast<unsigned __int128>(got), want + 2) << "from " << from << " count " << count;
        }
    }
}

TEST(RateConversion, LongUptimesDoNotOverflow)
{
    // Ten and a hundred years of a 4.2 GHz TSC: the 64-bit counter holds them, and so must
    // the nanosecond result (2^64 ns is 584 years).
    const uint64_t tsc_hz = 4'200'000'000;
    auto to_ns = conversion(tsc_hz, nanoseconds_per_second);
    for (uint64_t years : { 1ull, 10ull, 100ull }) {
        uint64_t ticks = years * seconds_per_year * tsc_hz;
        uint64_t want = years * seconds_per_year * nanoseconds_per_second;
        uint64_t got = to_ns.convert(ticks);
        EXPECT_GE(got, want);
        EXPECT_LE(got - want, 2u) << years << " years";
    }
    // A counter slower than 1 GHz overflows 64-bit nanoseconds eventually: saturate.
    auto slow = conversion(1'000'000, nanoseconds_per_second);
    EXPECT_EQ(slow.convert(UINT64_MAX), UINT64_MAX);
    EXPECT_EQ(slow.convert(UINT64_MAX / 1000), (UINT64_MAX / 1000) * 1000);
}

TEST(RateConversion, NanosecondsToTimerTicksRoundingUp)
{
    auto to_ticks = conversion(nanoseconds_per_second, 62'500'000); // a LAPIC timer at 62.5 MHz
    EXPECT_EQ(to_ticks.convert(16), 1u);
    EXPECT_EQ(to_ticks.convert(15), 0u);
    EXPECT_EQ(to_ticks.convert_rounding_up(15), 1u);
    EXPECT_EQ(to_ticks.convert_rounding_up(16), 1u);
    EXPECT_EQ(to_ticks.convert_rounding_up(17), 2u);
    EXPECT_EQ(to_ticks.convert_rounding_up(0), 0u);
    EXPECT_EQ(to_ticks.convert_rounding_up(1'000'000), 62'500u);

    const uint64_t odd_hz = 2'893'456'789;
    auto odd = conversion(nanoseconds_per_second, odd_hz);
    for (uint64_t ns : { 1ull, 7ull, 1'000'000ull, 999'999'999'999ull, 1ull << 50 }) {
        unsigned __int128 scaled = static_cast<unsigned __int128>(ns) * odd_hz;
        unsigned __int128 ceiling = (scaled + nanoseconds_per_second - 1) / nanoseconds_per_second;
        uint64_t got = odd.convert_rounding_up(ns);
        EXPECT_GE(static_cast<unsigned __int128>(got), ceiling) << ns;
        EXPECT_LE(static_cast<unsigned __int128>(got), ceiling + 1) << ns;
    }
}

TEST(RateConversion, RejectsImpossibleRates)
{
    EXPECT_EQ(RateConversion::create(0, 1).error(), Error::InvalidArgument);
    EXPECT_EQ(RateConversion::create(1, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(RateConversion::create(1, UINT64_MAX).error(), Error::OutOfRange);
    EXPECT_TRUE(RateConversion::create(UINT64_MAX, 1).is_ok());
    EXPECT_EQ(conversion(UINT64_MAX, 1).convert(UINT64_MAX), 1u);
}

TEST(RateConversion, FrequencyFromMeasurement)
{
    // 30,000,000 TSC ticks while a 100 MHz HPET advanced 1,000,000 ticks (10 ms): 3 GHz.
    EXPECT_EQ(frequency_from_measurement(30'000'000, 1'000'000, 100'000'000), 3'000'000'000u);
    // The PIT: 59,659 ticks at 1,193,182 Hz.
    EXPECT_EQ(frequency_from_measurement(150'000'000, 59'659, 1'193'182), 3'000'005'028u);
    EXPECT_EQ(frequency_from_measurement(5, 0, 100), 0u);
    EXPECT_EQ(frequency_from_measurement(UINT64_MAX, 1, UINT64_MAX), UINT64_MAX);
}

namespace {
uint64_t s_fake_counter;
uint64_t read_fake_counter() { return s_fake_counter; }
} // namespace

TEST(MonotonicClock, CountsFromItsBase)
{
    MonotonicClock unstarted;
    EXPECT_FALSE(unstarted.is_running());
    EXPECT_EQ(unstarted.now_ns(), 0u);

    s_fake_counter = 5'000'000;
    auto clock = MonotonicClock::create(read_fake_counter, 2'000'000'000, 4'000'000);
    ASSERT_TRUE(clock.is_ok());
    EXPECT_TRUE(clock.value().is_running());
    EXPECT_EQ(clock.value().now_ns(), 500'000u);
    EXPECT_EQ(clock.value().counter_frequency_hz(), 2'000'000'000u);

    uint64_t previous = 0;
    for (uint64_t step = 1; step < (1ull << 60); step *= 3) {
        s_fake_counter += step;
        uint64_t now = clock.value().now_ns();
        EXPECT_GE(now, previous);
        previous = now;
    }
    // A counter behind the base reads as zero, not as a wrapped-around eternity.
    s_fake_counter = 3'999'999;
    EXPECT_EQ(clock.value().now_ns(), 0u);
}

TEST(MonotonicClock, RejectsBadParameters)
{
    EXPECT_EQ(MonotonicClock::create(nullptr, 1000, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(MonotonicClock::create(read_fake_counter, 0, 0).error(), Error::InvalidArgument);
}

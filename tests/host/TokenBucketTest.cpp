#include <gtest/gtest.h>
#include <kernel/collective/TokenBucket.h>
#include <random>

using namespace gehri;
using namespace gehri::collective;

namespace {

constexpr Nanoseconds second = nanoseconds_per_second;

TokenBucket make(uint64_t capacity, uint64_t tokens, Nanoseconds period, Nanoseconds now, uint64_t initial)
{
    auto bucket = TokenBucket::create(capacity, tokens, period, now, initial);
    EXPECT_TRUE(bucket.is_ok());
    return bucket.release_value();
}

__extension__ typedef unsigned __int128 Wide;

// Drains the bucket at random intervals for `duration` ns; the tokens taken plus the tokens
// left must be exactly floor(tokens * duration / period), the bucket never being full.
void expect_exact_accrual(uint64_t tokens, Nanoseconds period, Nanoseconds duration, Nanoseconds max_step, uint64_t seed)
{
    std::mt19937_64 random(seed);
    auto bucket = make(UINT64_MAX, tokens, period, 0, 0);
    Wide taken = 0;
    Nanoseconds now = 0;
    while (now < duration) {
        Nanoseconds step = 1 + random() % max_step;
        now = now + step > duration ? duration : now + step;
        uint64_t available = bucket.available(now);
        ASSERT_LT(available, UINT64_MAX) << "the bucket filled up; the test would not be exact";
        ASSERT_TRUE(bucket.try_charge(available, now).is_ok());
        taken += available;
        ASSERT_LT(bucket.carried_fraction(), period);
    }
    Wide expected = static_cast<Wide>(tokens) * duration / period;
    EXPECT_TRUE(taken == expected) << "tokens " << tokens << " period " << period << ": took "
                                   << static_cast<uint64_t>(taken) << " expected " << static_cast<uint64_t>(expected);
}

} // namespace

TEST(TokenBucket, StartsFullAndRefusesOverdraft)
{
    auto bucket = TokenBucket::per_second(10, 1, 0).release_value();
    EXPECT_EQ(bucket.available(0), 10u);
    EXPECT_TRUE(bucket.try_charge(7, 0).is_ok());
    auto refused = bucket.try_charge(4, 0);
    ASSERT_TRUE(refused.is_error());
    EXPECT_EQ(refused.error(), Error::QuotaExceeded);
    EXPECT_EQ(bucket.available(0), 3u);
    EXPECT_TRUE(bucket.try_charge(3, 0).is_ok());
    EXPECT_EQ(bucket.available(0), 0u);
}

TEST(TokenBucket, RefillsWholeTokensOnly)
{
    auto bucket = make(10, 1, second, 0, 0);
    EXPECT_EQ(bucket.available(second - 1), 0u);
    EXPECT_EQ(bucket.available(second), 1u);
    EXPECT_EQ(bucket.available(2 * second + second / 2), 2u);
    EXPECT_EQ(bucket.carried_fraction(), second / 2);
    EXPECT_EQ(bucket.available(3 * second), 3u);
    EXPECT_EQ(bucket.carried_fraction(), 0u);
}

TEST(TokenBucket, CapsAtCapacityAndDropsTheFraction)
{
    auto bucket = make(5, 2, second, 0, 0);
    EXPECT_EQ(bucket.available(1000 * second + 123), 5u);
    EXPECT_EQ(bucket.carried_fraction(), 0u);
    ASSERT_TRUE(bucket.try_charge(5, 1000 * second + 123).is_ok());
    // A full bucket accrued nothing while full: the next token takes a full half second.
    EXPECT_EQ(bucket.available(1000 * second + 123 + second / 2 - 1), 0u);
    EXPECT_EQ(bucket.available(1000 * second + 123 + second / 2), 1u);
}

TEST(TokenBucket, ExactOverAMillionSimulatedSeconds)
{
    constexpr Nanoseconds million_seconds = 1'000'000 * second;
    expect_exact_accrual(1, second, million_seconds, 3 * second, 1);              // 1 token/s
    expect_exact_accrual(3, 7 * second, million_seconds, 2 * second, 2);          // 3 tokens per 7 s
    expect_exact_accrual(1'000'003, second, million_seconds, second, 3);          // prime rate, sub-second steps
    expect_exact_accrual(999'999'937, 1'000'000'007, million_seconds, second, 4); // rate and period both prime
    expect_exact_accrual(uint64_t { 1 } << 40, second, million_seconds, 5 * second, 5); // 2^40/s: 2^60 tokens in all
}

TEST(TokenBucket, ExactWithNanosecondSteps)
{
    // 1000 tokens/s refilled one nanosecond at a time: every step accrues only a fraction.
    auto bucket = make(UINT64_MAX, 1000, second, 0, 0);
    uint64_t taken = 0;
    for (Nanoseconds now = 1; now <= 3'000'000; ++now) {
        uint64_t available = bucket.available(now);
        taken += available;
        ASSERT_TRUE(bucket.try_charge(available, now).is_ok());
    }
    EXPECT_EQ(taken, 3u);
}

TEST(TokenBucket, DebtIsPaidBeforeTheBalanceGrows)
{
    auto bucket = make(10, 1, second, 0, 4);
    bucket.charge(7, 0);
    EXPECT_EQ(bucket.available(0), 0u);
    EXPECT_EQ(bucket.debt(), 3u);
    EXPECT_EQ(bucket.available(2 * second), 0u);
    EXPECT_EQ(bucket.debt(), 1u);
    EXPECT_EQ(bucket.available(4 * second), 1u);
    EXPECT_EQ(bucket.debt(), 0u);
    bucket.charge(3, 4 * second);
    EXPECT_EQ(bucket.debt(), 2u);
    bucket.refund(5);
    EXPECT_EQ(bucket.debt(), 0u);
    EXPECT_EQ(bucket.available(4 * second), 3u);
}

TEST(TokenBucket, RefundIsCappedAtCapacity)
{
    auto bucket = make(10, 1, second, 0, 8);
    EXPECT_EQ(bucket.available(second / 2), 8u);
    EXPECT_EQ(bucket.carried_fraction(), second / 2);
    bucket.refund(UINT64_MAX);
    EXPECT_EQ(bucket.available(second / 2), 10u);
    EXPECT_EQ(bucket.carried_fraction(), 0u); // a full bucket banks no fraction either
    ASSERT_TRUE(bucket.try_charge(1, second / 2).is_ok());
    EXPECT_EQ(bucket.available(second + second / 2 - 1), 9u);
    EXPECT_EQ(bucket.available(second + second / 2), 10u);
}

TEST(TokenBucket, TimeUntilAvailable)
{
    auto bucket = make(10, 1, second, 0, 0);
    EXPECT_EQ(bucket.available(3 * second / 10), 0u);
    EXPECT_EQ(bucket.time_until_available(1, 3 * second / 10).value(), 7 * second / 10);
    EXPECT_EQ(bucket.time_until_available(3, 3 * second / 10).value(), 27 * second / 10);
    EXPECT_EQ(bucket.time_until_available(0, 0).value(), 0u);
    EXPECT_EQ(bucket.time_until_available(11, 0).error(), Error::OutOfRange);
    auto no_refill = make(10, 0, second, 0, 2);
    EXPECT_EQ(no_refill.time_until_available(2, 0).value(), 0u);
    EXPECT_EQ(no_refill.time_until_available(3, 0).error(), Error::OutOfRange);
}

TEST(TokenBucket, TimeUntilAvailableIsTheExactFirstInstant)
{
    std::mt19937_64 random(99);
    for (int round = 0; round < 2000; ++round) {
        uint64_t capacity = 1 + random() % 1000;
        uint64_t tokens = 1 + random() % 5000;
        Nanoseconds period = 1 + random() % (10 * second);
        Nanoseconds start = random() % second;
        auto bucket = make(capacity, tokens, period, start, random() % (capacity + 1));
        if (random() % 3 == 0)
            bucket.charge(random() % (2 * capacity), start);
        Nanoseconds now = start + random() % period;
        uint64_t wanted = random() % (capacity + 1);
        auto wait = bucket.time_until_available(wanted, now);
        ASSERT_TRUE(wait.is_ok());
        TokenBucket later = bucket;
        EXPECT_GE(later.available(now + wait.value()), wanted) << "round " << round;
        if (wait.value() > 0) {
            TokenBucket earlier = bucket;
            bool short_of_it = earlier.available(now + wait.value() - 1) < wanted || earlier.debt() > 0;
            EXPECT_TRUE(short_of_it) << "round " << round;
        }
    }
}

TEST(TokenBucket, TimeGoingBackwardsRefillsNothing)
{
    auto bucket = make(10, 1, second, 5 * second, 0);
    EXPECT_EQ(bucket.available(7 * second), 2u);
    EXPECT_EQ(bucket.available(3 * second), 2u);
    EXPECT_EQ(bucket.available(8 * second), 3u);
}

TEST(TokenBucket, RejectsBadParameters)
{
    EXPECT_EQ(TokenBucket::create(0, 1, second, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(TokenBucket::create(10, 1, 0, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(TokenBucket::create(10, 1, second, 0, 11).error(), Error::InvalidArgument);
}

TEST(TokenBucket, OverflowScale)
{
    auto bucket = make(UINT64_MAX, UINT64_MAX, 1, 0, 0);
    EXPECT_EQ(bucket.available(UINT64_MAX), UINT64_MAX);
    bucket.charge(UINT64_MAX, UINT64_MAX);
    bucket.charge(UINT64_MAX, UINT64_MAX);
    EXPECT_EQ(bucket.debt(), UINT64_MAX); // saturated
    EXPECT_EQ(bucket.time_until_available(UINT64_MAX, UINT64_MAX).error(), Error::OutOfRange);

    auto slow = make(UINT64_MAX, 1, UINT64_MAX, 0, 0);
    EXPECT_EQ(slow.available(UINT64_MAX - 1), 0u);
    EXPECT_EQ(slow.carried_fraction(), UINT64_MAX - 1);
    EXPECT_EQ(slow.time_until_available(1, UINT64_MAX - 1).value(), 1u);
}

#include <algorithm>
#include <gtest/gtest.h>
#include <kernel/sched/TimerQueue.h>
#include <memory>
#include <random>
#include <unordered_map>
#include <vector>

using namespace gehri::sched;

namespace {

std::vector<std::unique_ptr<Thread>> make_threads(size_t count)
{
    std::vector<std::unique_ptr<Thread>> threads;
    for (size_t i = 0; i < count; ++i)
        threads.push_back(std::make_unique<Thread>(ThreadOptions { .name = "t" }, StackRegion {}, nullptr, nullptr));
    return threads;
}

} // namespace

TEST(TimerQueue, ExpiresOnlyDueTimersEarliestFirst)
{
    auto threads = make_threads(3);
    TimerQueue timers;
    EXPECT_EQ(timers.next_deadline(), TimerQueue::no_deadline);
    timers.arm(*threads[0], 300);
    timers.arm(*threads[1], 100);
    timers.arm(*threads[2], 200);
    EXPECT_EQ(timers.next_deadline(), 100u);
    EXPECT_EQ(timers.pop_expired(99), nullptr);
    EXPECT_EQ(timers.pop_expired(250), threads[1].get());
    EXPECT_EQ(timers.pop_expired(250), threads[2].get());
    EXPECT_EQ(timers.pop_expired(250), nullptr);
    EXPECT_TRUE(timers.is_armed(*threads[0]));
    EXPECT_FALSE(timers.is_armed(*threads[1]));
    EXPECT_EQ(timers.next_deadline(), 300u);
}

TEST(TimerQueue, EqualDeadlinesExpireInArmingOrder)
{
    auto threads = make_threads(5);
    TimerQueue timers;
    for (int i : { 3, 0, 4, 1, 2 })
        timers.arm(*threads[i], 1000);
    for (int i : { 3, 0, 4, 1, 2 })
        EXPECT_EQ(timers.pop_expired(1000), threads[i].get());
}

TEST(TimerQueue, CancelRemovesOnlyArmedTimers)
{
    auto threads = make_threads(2);
    TimerQueue timers;
    timers.arm(*threads[0], 10);
    EXPECT_FALSE(timers.cancel(*threads[1]));
    EXPECT_TRUE(timers.cancel(*threads[0]));
    EXPECT_FALSE(timers.cancel(*threads[0]));
    EXPECT_EQ(timers.pop_expired(1'000'000), nullptr);
    EXPECT_EQ(timers.size(), 0u);
}

// Random deadlines, random cancellations and re-arming, time moving forward in random steps:
// every expiry must come out in (deadline, arming order) order, never early, never lost.
TEST(TimerQueue, StressWithRandomDeadlines)
{
    constexpr size_t count = 5000;
    auto threads = make_threads(count);
    std::mt19937_64 random(42);
    TimerQueue timers;
    std::vector<uint64_t> deadline(count, 0);
    std::vector<bool> armed(count, false);
    std::unordered_map<Thread*, size_t> index_of;
    for (size_t i = 0; i < count; ++i)
        index_of[threads[i].get()] = i;
    uint64_t now = 0;
    size_t expired_total = 0;
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 100; ++i) {
            size_t index = random() % count;
            if (armed[index]) {
                EXPECT_TRUE(timers.cancel(*threads[index]));
                armed[index] = false;
            } else {
                deadline[index] = now + random() % 1'000'000;
                timers.arm(*threads[index], deadline[index]);
                armed[index] = true;
            }
        }
        ASSERT_TRUE(timers.is_valid());
        now += random() % 300'000;
        uint64_t previous_deadline = 0;
        while (Thread* thread = timers.pop_expired(now)) {
            size_t index = index_of.at(thread);
            ASSERT_TRUE(armed[index]);
            EXPECT_LE(deadline[index], now);
            EXPECT_GE(deadline[index], previous_deadline);
            previous_deadline = deadline[index];
            armed[index] = false;
            ++expired_total;
        }
        // Whatever is left is due later.
        size_t still_armed = static_cast<size_t>(std::count(armed.begin(), armed.end(), true));
        EXPECT_EQ(timers.size(), still_armed);
        if (still_armed > 0) {
            EXPECT_GT(timers.next_deadline(), now);
        }
    }
    EXPECT_GT(expired_total, 1000u);
}

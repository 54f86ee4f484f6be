#include <gtest/gtest.h>
#include <kernel/sched/ShareWindow.h>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri::sched;
using namespace gehri::sched::testing;

namespace {

ClassMask mask(std::initializer_list<PriorityClass> classes)
{
    ClassMask result;
    for (PriorityClass priority_class : classes)
        result.add(priority_class);
    return result;
}

} // namespace

TEST(ShareWindow, ChargesRunningAndRunnableTime)
{
    ShareWindow window;
    window.advance(1_ms, {}, {}); // idle start
    window.advance(4_ms, mask({ PriorityClass::Normal }), mask({ PriorityClass::Normal, PriorityClass::Batch }));
    EXPECT_EQ(window.used_ns(PriorityClass::Normal), 3_ms);
    EXPECT_EQ(window.runnable_ns(PriorityClass::Normal), 3_ms);
    EXPECT_EQ(window.used_ns(PriorityClass::Batch), 0u);
    EXPECT_EQ(window.runnable_ns(PriorityClass::Batch), 3_ms);
    // Batch is owed 5% of 3 ms.
    EXPECT_EQ(window.owed_ns(PriorityClass::Batch), static_cast<int64_t>(150_us));
    EXPECT_EQ(window.owed_ns(PriorityClass::Emergency), 0);
}

TEST(ShareWindow, OldHistorySlidesOutOfTheWindow)
{
    ShareWindow window;
    ClassMask batch = mask({ PriorityClass::Batch });
    // Charge an interval that spans several buckets: each gets its part.
    window.advance(policy::share_bucket_ns * 3 + 5_ms, batch, batch);
    EXPECT_EQ(window.used_ns(PriorityClass::Batch), policy::share_bucket_ns * 3 + 5_ms);
    // A full window later, only the last window's worth is remembered.
    uint64_t later = policy::share_bucket_ns * 3 + 5_ms + policy::share_window_ns;
    window.advance(later, {}, {});
    EXPECT_EQ(window.used_ns(PriorityClass::Batch), 0u);
    // Time running backwards charges nothing.
    window.advance(later - 1_ms, batch, batch);
    EXPECT_EQ(window.used_ns(PriorityClass::Batch), 0u);
}

TEST(ShareWindow, LongGapsCostAtMostOneWindowOfWork)
{
    ShareWindow window;
    ClassMask normal = mask({ PriorityClass::Normal });
    // Hours without an update: only the window's tail is charged.
    uint64_t hours = 3ull * 3600 * 1'000'000'000;
    window.advance(hours, normal, normal);
    EXPECT_LE(window.used_ns(PriorityClass::Normal), policy::share_window_ns);
    EXPECT_GE(window.used_ns(PriorityClass::Normal), policy::share_window_ns - policy::share_bucket_ns);
}

TEST(ShareWindow, StrictPriorityUntilTheGraceIsExceeded)
{
    ShareWindow window;
    ClassMask both = mask({ PriorityClass::Emergency, PriorityClass::Normal });
    ClassMask emergency_running = mask({ PriorityClass::Emergency });
    uint64_t now = 0;
    // Normal is owed 10% of its runnable time; promoted once that exceeds the grace (20 ms).
    uint64_t promotion_time = policy::starvation_grace_ns * 1000 / policy::reserved_share_permille[index_of(PriorityClass::Normal)];
    while (now + 1_ms <= promotion_time) {
        now += 1_ms;
        window.advance(now, emergency_running, both);
        EXPECT_EQ(window.choose(both), PriorityClass::Emergency) << now;
    }
    now += 1_ms;
    window.advance(now, emergency_running, both);
    EXPECT_EQ(window.choose(both), PriorityClass::Normal);
    EXPECT_TRUE(window.is_promoted(PriorityClass::Normal));
    // It stays promoted until paid in full (owed <= 0), not just back under the grace.
    ClassMask normal_running = mask({ PriorityClass::Normal });
    int ticks = 0;
    while (window.choose(both) == PriorityClass::Normal) {
        now += 1_ms;
        window.advance(now, normal_running, both);
        ++ticks;
        ASSERT_LT(ticks, 100);
    }
    EXPECT_LE(window.owed_ns(PriorityClass::Normal), 0);
    EXPECT_GE(ticks, 2);
    EXPECT_FALSE(window.is_promoted(PriorityClass::Normal));
}

TEST(ShareWindow, PromotionEndsWhenTheClassStopsBeingRunnable)
{
    ShareWindow window;
    ClassMask both = mask({ PriorityClass::Interactive, PriorityClass::Batch });
    window.advance(100_ms, mask({ PriorityClass::Interactive }), both);
    EXPECT_EQ(window.choose(both), PriorityClass::Batch);
    // Batch blocked: Interactive runs, Batch's promotion is forgotten.
    EXPECT_EQ(window.choose(mask({ PriorityClass::Interactive })), PriorityClass::Interactive);
    EXPECT_FALSE(window.is_promoted(PriorityClass::Batch));
}

TEST(ShareWindow, TheHighestPromotedClassRunsFirst)
{
    ShareWindow window;
    ClassMask all = mask({ PriorityClass::Emergency, PriorityClass::Interactive, PriorityClass::Normal, PriorityClass::Batch });
    window.advance(100_ms, mask({ PriorityClass::Emergency }), all);
    EXPECT_EQ(window.choose(all), PriorityClass::Interactive);
    EXPECT_TRUE(window.is_promoted(PriorityClass::Normal));
    EXPECT_TRUE(window.is_promoted(PriorityClass::Batch));
}

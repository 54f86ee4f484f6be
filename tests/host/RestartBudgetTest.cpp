#include <gtest/gtest.h>
#include <user/init/RestartBudget.h>

using gehri::swarm::RestartBudget;

constexpr uint64_t second = 1'000'000'000;

TEST(RestartBudget, AllowsMaxRestartsWithinTheWindowThenRefuses)
{
    uint64_t storage[3];
    RestartBudget budget(storage, 3, 10 * second);
    EXPECT_TRUE(budget.try_restart(1 * second));
    EXPECT_TRUE(budget.try_restart(2 * second));
    EXPECT_TRUE(budget.try_restart(3 * second));
    EXPECT_EQ(budget.restarts_in_window(3 * second), 3u);
    EXPECT_FALSE(budget.try_restart(4 * second));
    EXPECT_FALSE(budget.try_restart(10 * second + 999)); // the first is still inside (10 s window from 1 s)
}

TEST(RestartBudget, OldRestartsLeaveTheWindow)
{
    uint64_t storage[2];
    RestartBudget budget(storage, 2, 10 * second);
    EXPECT_TRUE(budget.try_restart(0));
    EXPECT_TRUE(budget.try_restart(5 * second));
    EXPECT_FALSE(budget.try_restart(9 * second));
    EXPECT_TRUE(budget.try_restart(11 * second)); // 0 s has left the window
    EXPECT_FALSE(budget.try_restart(12 * second)); // 5 s and 11 s are inside
    EXPECT_TRUE(budget.try_restart(16 * second));
    EXPECT_EQ(budget.restarts_in_window(16 * second), 2u);
    EXPECT_EQ(budget.restarts_in_window(100 * second), 0u);
}

TEST(RestartBudget, ZeroRestartsMeansGiveUpAtOnce)
{
    uint64_t storage[1];
    RestartBudget budget(storage, 0, second);
    EXPECT_FALSE(budget.try_restart(0));
    EXPECT_FALSE(budget.try_restart(100 * second));
}

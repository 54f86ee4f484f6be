#include <gtest/gtest.h>
#include <kernel/bench/Selection.h>

using gehri::bench::is_selected;

TEST(BenchSelection, AllSelectsEveryWorkload)
{
    EXPECT_TRUE(is_selected("all", "null_syscall"));
    EXPECT_TRUE(is_selected("pipe_rtt,all", "kernel_thread_switch"));
}

TEST(BenchSelection, ListNamesExactWorkloads)
{
    EXPECT_TRUE(is_selected("pipe_rtt", "pipe_rtt"));
    EXPECT_TRUE(is_selected("null_syscall,pipe_rtt,fanout_100", "pipe_rtt"));
    EXPECT_TRUE(is_selected("null_syscall,pipe_rtt,fanout_100", "fanout_100"));
    EXPECT_TRUE(is_selected("null_syscall,pipe_rtt,fanout_100", "null_syscall"));
    // Whole entries only: neither a prefix nor a longer name matches.
    EXPECT_FALSE(is_selected("fanout_100", "fanout_1000"));
    EXPECT_FALSE(is_selected("fanout_1000", "fanout_100"));
    EXPECT_FALSE(is_selected("pipe", "pipe_rtt"));
}

TEST(BenchSelection, EmptyAndOddListsSelectNothingExtra)
{
    EXPECT_FALSE(is_selected("", "pipe_rtt"));
    EXPECT_FALSE(is_selected(",", "pipe_rtt"));
    EXPECT_FALSE(is_selected("", ""));
    EXPECT_FALSE(is_selected(",,", ""));
    EXPECT_TRUE(is_selected(",pipe_rtt,", "pipe_rtt"));
    EXPECT_FALSE(is_selected("ALL", "pipe_rtt"));
}

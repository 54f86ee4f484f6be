#include <gtest/gtest.h>
#include <kernel/lib/StringView.h>

using namespace gehri;

TEST(StringView, ContainsFindsAnyOccurrenceAndTheEmptyNeedle)
{
    StringView text = "init: demo-listener replica 0 (agent 7) exited with status 0";
    EXPECT_TRUE(text.contains("demo-listener replica 0"));
    EXPECT_TRUE(text.contains("status 0"));
    EXPECT_TRUE(text.contains(""));
    EXPECT_FALSE(text.contains("status 1"));
    EXPECT_FALSE(StringView("ab").contains("abc"));
    EXPECT_FALSE(StringView().contains("a"));
}

TEST(StringView, TrimmedDropsSpacesTabsAndCarriageReturnsAtTheEndsOnly)
{
    EXPECT_EQ(StringView(" \t drones = 10\r").trimmed(), StringView("drones = 10"));
    EXPECT_EQ(StringView("a \t b").trimmed(), StringView("a \t b"));
    EXPECT_EQ(StringView(" \r\t ").trimmed(), StringView(""));
    EXPECT_EQ(StringView().trimmed(), StringView(""));
    EXPECT_EQ(StringView("\nx\n").trimmed(), StringView("\nx\n")); // lines are split before
}

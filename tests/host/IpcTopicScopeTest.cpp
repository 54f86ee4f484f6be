#include <gtest/gtest.h>
#include <kernel/ipc/TopicScope.h>

using namespace gehri;
using gehri::ipc::TopicScope;

TEST(IpcTopicScope, EmptyScopeAllowsNothing)
{
    TopicScope scope;
    EXPECT_FALSE(scope.allows("fire/alerts", Rights::Publish));
    EXPECT_FALSE(scope.allows("fire/alerts", Rights::Subscribe));
}

TEST(IpcTopicScope, PatternMatchesWithItsRolesOnly)
{
    TopicScope scope;
    ASSERT_TRUE(scope.add("fire/*", Rights::Subscribe).is_ok());
    EXPECT_TRUE(scope.allows("fire/alerts", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("fire/zone/3", Rights::Subscribe)); // '*' stays within a segment
    EXPECT_TRUE(scope.allows("fire/", Rights::Subscribe));
    EXPECT_TRUE(scope.allows("fire/*", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("fire", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("fire/alerts", Rights::Publish));
    EXPECT_FALSE(scope.allows("water/alerts", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("xfire/alerts", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("fire/alerts", Rights::None));
    EXPECT_FALSE(scope.allows("fire/alerts", Rights::Publish | Rights::Subscribe));
}

TEST(IpcTopicScope, ExactPatternAndSeveralPatterns)
{
    TopicScope scope;
    ASSERT_TRUE(scope.add("demo/greeting", Rights::Publish).is_ok());
    ASSERT_TRUE(scope.add("status/*/health", Rights::Publish | Rights::Subscribe).is_ok());
    ASSERT_TRUE(scope.add("demo/*", Rights::Subscribe).is_ok());
    EXPECT_EQ(scope.size(), 3u);
    EXPECT_TRUE(scope.allows("demo/greeting", Rights::Publish));
    EXPECT_TRUE(scope.allows("demo/greeting", Rights::Subscribe)); // through the third pattern
    EXPECT_FALSE(scope.allows("demo/greetings", Rights::Publish));
    EXPECT_FALSE(scope.allows("demo/other", Rights::Publish));
    EXPECT_TRUE(scope.allows("demo/other", Rights::Subscribe));
    EXPECT_TRUE(scope.allows("status/drone-7/health", Rights::Publish | Rights::Subscribe));
    EXPECT_FALSE(scope.allows("status/drone-7/battery", Rights::Subscribe));
}

TEST(IpcTopicScope, StarMatchesOneSegment)
{
    TopicScope scope;
    ASSERT_TRUE(scope.add("*", Rights::Publish).is_ok());
    EXPECT_TRUE(scope.allows("a", Rights::Publish));
    EXPECT_TRUE(scope.allows("anything-at-all", Rights::Publish));
    EXPECT_FALSE(scope.allows("any/thing", Rights::Publish));
    EXPECT_FALSE(scope.allows("a", Rights::Subscribe));
}

TEST(IpcTopicScope, MatchingSegmentBySegment)
{
    EXPECT_TRUE(TopicScope::matches("*/*", "demo/greeting"));
    EXPECT_FALSE(TopicScope::matches("*/*", "demo"));
    EXPECT_FALSE(TopicScope::matches("*/*", "a/b/c"));
    EXPECT_TRUE(TopicScope::matches("fire/*/alerts", "fire/north/alerts"));
    EXPECT_FALSE(TopicScope::matches("fire/*/alerts", "fire/north/east/alerts"));
    EXPECT_TRUE(TopicScope::matches("cam*/front", "camera/front"));
    EXPECT_TRUE(TopicScope::matches("a*b*c", "aXbYc"));
    EXPECT_FALSE(TopicScope::matches("a*b*c", "aX/bYc"));
    EXPECT_TRUE(TopicScope::matches("a//b", "a//b"));
    EXPECT_FALSE(TopicScope::matches("a/*/b", "a//c"));
    EXPECT_TRUE(TopicScope::matches("a/*/b", "a//b"));
    EXPECT_FALSE(TopicScope::matches("fire/", "fire"));
    EXPECT_FALSE(TopicScope::matches("fire", "fire/"));
    EXPECT_TRUE(TopicScope::matches("fire/", "fire/"));
}

TEST(IpcTopicScope, BadPatternsAndRightsAreRefused)
{
    TopicScope scope;
    EXPECT_EQ(scope.add("", Rights::Publish).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("has space", Rights::Publish).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("tab\there", Rights::Publish).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("\x7f", Rights::Publish).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("ok", Rights::None).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("ok", Rights::Write).error(), Error::InvalidArgument);
    EXPECT_EQ(scope.add("ok", Rights::Publish | Rights::Read).error(), Error::InvalidArgument);
    char long_pattern[66];
    memset(long_pattern, 'a', sizeof(long_pattern));
    EXPECT_EQ(scope.add(StringView(long_pattern, 65), Rights::Publish).error(), Error::TooLarge);
    EXPECT_TRUE(scope.add(StringView(long_pattern, 64), Rights::Publish).is_ok());
    EXPECT_EQ(scope.size(), 1u);
}

TEST(IpcTopicScope, AtMostMaxPatterns)
{
    TopicScope scope;
    for (size_t i = 0; i < TopicScope::max_patterns; ++i) {
        char pattern[2] = { static_cast<char>('a' + i), 0 };
        ASSERT_TRUE(scope.add(StringView(pattern, 1), Rights::Subscribe).is_ok());
    }
    EXPECT_EQ(scope.add("z", Rights::Subscribe).error(), Error::TooLarge);
    EXPECT_TRUE(scope.allows("p", Rights::Subscribe));
    EXPECT_FALSE(scope.allows("z", Rights::Subscribe));
}

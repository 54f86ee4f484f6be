#include <gtest/gtest.h>
#include <kernel/object/CapabilityGrants.h>
#include <string>

using namespace gehri;
using object::CapabilityGrants;

TEST(CapabilityGrants, EachNameIsTakenOnce)
{
    CapabilityGrants grants;
    ASSERT_TRUE(grants.add("blackboard:map", 0x11).is_ok());
    ASSERT_TRUE(grants.add("channel:jobs", 0x22).is_ok());
    EXPECT_EQ(grants.count(), 2u);
    auto jobs = grants.take("channel:jobs");
    ASSERT_TRUE(jobs.is_ok());
    EXPECT_EQ(jobs.value(), 0x22u);
    EXPECT_EQ(grants.take("channel:jobs").error(), Error::NotFound);
    EXPECT_EQ(grants.take("blackboard:map").value(), 0x11u);
    // Byte for byte: no prefix, no case folding.
    EXPECT_EQ(grants.take("blackboard:ma").error(), Error::NotFound);
    EXPECT_EQ(grants.take("Channel:jobs").error(), Error::NotFound);
    EXPECT_EQ(grants.take("").error(), Error::NotFound);
}

TEST(CapabilityGrants, RefusesBadNamesDuplicatesAndOverflow)
{
    CapabilityGrants grants;
    EXPECT_EQ(grants.add("", 1).error(), Error::InvalidArgument);
    EXPECT_EQ(grants.add("x", invalid_handle).error(), Error::InvalidArgument);
    std::string longest(CapabilityGrants::max_name_length, 'n');
    EXPECT_TRUE(grants.add(StringView(longest.data(), longest.size()), 1).is_ok());
    std::string too_long(CapabilityGrants::max_name_length + 1, 'n');
    EXPECT_EQ(grants.add(StringView(too_long.data(), too_long.size()), 2).error(), Error::InvalidArgument);
    EXPECT_EQ(grants.add(StringView(longest.data(), longest.size()), 3).error(), Error::AlreadyExists);
    // A name stays used after it is taken: a second grant under it would be a creator's mistake.
    EXPECT_TRUE(grants.take(StringView(longest.data(), longest.size())).is_ok());
    EXPECT_EQ(grants.add(StringView(longest.data(), longest.size()), 4).error(), Error::AlreadyExists);
    for (size_t i = 1; i < CapabilityGrants::capacity; ++i) {
        std::string name = "g" + std::to_string(i);
        EXPECT_TRUE(grants.add(StringView(name.data(), name.size()), HandleValue(10 + i)).is_ok()) << name;
    }
    EXPECT_EQ(grants.count(), CapabilityGrants::capacity);
    EXPECT_EQ(grants.add("one-more", 99).error(), Error::OutOfRange);
    EXPECT_EQ(grants.take("g3").value(), 13u);
}

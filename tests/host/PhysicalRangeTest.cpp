#include <gtest/gtest.h>
#include <kernel/mm/PhysicalRange.h>

using namespace gehri;
using namespace gehri::mm;

TEST(PhysicalRangeList, AddMergesOverlappingAndTouchingRanges)
{
    PhysicalRangeList list;
    ASSERT_TRUE(list.add({ 0x3000, 0x5000 }).is_ok());
    ASSERT_TRUE(list.add({ 0x1000, 0x2000 }).is_ok());
    ASSERT_TRUE(list.add({ 0x8000, 0x9000 }).is_ok());
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0], (PhysicalRange { 0x1000, 0x2000 }));
    ASSERT_TRUE(list.add({ 0x2000, 0x3000 }).is_ok()); // touches both neighbours
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0], (PhysicalRange { 0x1000, 0x5000 }));
    ASSERT_TRUE(list.add({ 0x0, 0x10000 }).is_ok()); // swallows everything
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.total_bytes(), 0x10000u);
}

TEST(PhysicalRangeList, RemoveSplitsTrimsAndDeletes)
{
    PhysicalRangeList list;
    ASSERT_TRUE(list.add({ 0x1000, 0x9000 }).is_ok());
    ASSERT_TRUE(list.add({ 0x10000, 0x11000 }).is_ok());
    ASSERT_TRUE(list.remove({ 0x3000, 0x4000 }).is_ok()); // split
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0], (PhysicalRange { 0x1000, 0x3000 }));
    EXPECT_EQ(list[1], (PhysicalRange { 0x4000, 0x9000 }));
    ASSERT_TRUE(list.remove({ 0x0, 0x1800 }).is_ok()); // trim front
    EXPECT_EQ(list[0], (PhysicalRange { 0x1800, 0x3000 }));
    ASSERT_TRUE(list.remove({ 0x8000, 0x10800 }).is_ok()); // trims two ranges at once
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[1], (PhysicalRange { 0x4000, 0x8000 }));
    EXPECT_EQ(list[2], (PhysicalRange { 0x10800, 0x11000 }));
    ASSERT_TRUE(list.remove({ 0x0, 0x100000 }).is_ok());
    EXPECT_EQ(list.size(), 0u);
    EXPECT_FALSE(list.contains(0x1800));
}

TEST(PhysicalRangeList, AlignInwardDropsSubPageFragments)
{
    PhysicalRangeList list;
    ASSERT_TRUE(list.add({ 0x1001, 0x3fff }).is_ok());
    ASSERT_TRUE(list.add({ 0x5010, 0x5ff0 }).is_ok());
    ASSERT_TRUE(list.add({ 0xfffffffffffff800, 0xffffffffffffffff }).is_ok()); // align_up would wrap
    list.align_inward(0x1000);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0], (PhysicalRange { 0x2000, 0x3000 }));
}

TEST(PhysicalRangeList, FullListReportsOutOfRange)
{
    PhysicalRangeList list;
    for (size_t i = 0; i < PhysicalRangeList::capacity; ++i)
        ASSERT_TRUE(list.add({ i * 0x2000, i * 0x2000 + 0x1000 }).is_ok());
    EXPECT_EQ(list.add({ 0x10000000, 0x10001000 }).error(), Error::OutOfRange);
    EXPECT_EQ(list.remove({ 0x100, 0x200 }).error(), Error::OutOfRange); // a split needs a slot
    EXPECT_TRUE(list.add({ 0x1000, 0x2000 }).is_ok()); // merging needs none
}

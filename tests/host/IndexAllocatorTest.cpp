#include <gtest/gtest.h>
#include <kernel/lib/IndexAllocator.h>
#include <set>

using namespace gehri;

TEST(IndexAllocator, HandsOutEachIndexOnceUntilReleased)
{
    IndexAllocator<128> allocator;
    std::set<size_t> seen;
    for (int i = 0; i < 128; ++i) {
        auto index = allocator.allocate();
        ASSERT_TRUE(index.is_ok());
        EXPECT_LT(index.value(), 128u);
        EXPECT_TRUE(seen.insert(index.value()).second);
    }
    EXPECT_EQ(allocator.in_use(), 128u);
    EXPECT_EQ(allocator.allocate().error(), Error::OutOfMemory);
    allocator.release(77);
    EXPECT_EQ(allocator.allocate().value(), 77u);
    allocator.release(3);
    allocator.release(100);
    std::set<size_t> again { allocator.allocate().value(), allocator.allocate().value() };
    EXPECT_EQ(again, (std::set<size_t> { 3, 100 }));
}

TEST(IndexAllocatorDeathTest, ReleasingAFreeIndexPanics)
{
    IndexAllocator<64> allocator;
    EXPECT_DEATH(allocator.release(5), "VERIFY");
    EXPECT_DEATH(allocator.release(64), "VERIFY");
}

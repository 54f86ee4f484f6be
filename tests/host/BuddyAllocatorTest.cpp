#include <algorithm>
#include <gtest/gtest.h>
#include <kernel/mm/BuddyAllocator.h>
#include <random>
#include <vector>

using namespace gehri;
using namespace gehri::mm;

namespace {

// Metadata for frames [first_pfn, first_pfn + count); no real memory behind them.
struct FakeFrames {
    FakeFrames(uint64_t first_pfn, uint64_t count)
        : metadata(count)
        , pages(metadata.data(), first_pfn, count)
    {
    }
    std::vector<PhysicalPage> metadata;
    PageArray pages;
};

struct Blocks {
    uint64_t counts[BuddyAllocator::max_order + 1] {};
};

Blocks free_blocks(const BuddyAllocator& allocator)
{
    Blocks blocks;
    for (unsigned order = 0; order <= BuddyAllocator::max_order; ++order)
        blocks.counts[order] = allocator.free_blocks(order);
    return blocks;
}

void expect_same_blocks(const Blocks& a, const Blocks& b)
{
    for (unsigned order = 0; order <= BuddyAllocator::max_order; ++order)
        EXPECT_EQ(a.counts[order], b.counts[order]) << "order " << order;
}

} // namespace

TEST(BuddyAllocator, AddedRangeIsCutIntoNaturallyAlignedBlocks)
{
    // 1024 frames from frame 256: 256 is 2^8-aligned, 512 is 2^9-aligned, 1024 is aligned but
    // only 256 frames remain after it.
    FakeFrames frames(0, 2048);
    BuddyAllocator allocator(frames.pages, 0, 2048);
    allocator.add_free_range(256, 1280);
    EXPECT_EQ(allocator.total_pages(), 1024u);
    EXPECT_EQ(allocator.free_pages(), 1024u);
    EXPECT_EQ(allocator.free_blocks(8), 2u);
    EXPECT_EQ(allocator.free_blocks(9), 1u);
    EXPECT_EQ(allocator.largest_free_order(), 9);
    for (unsigned order = 0; order < 8; ++order)
        EXPECT_EQ(allocator.free_blocks(order), 0u);
}

TEST(BuddyAllocator, SplitsOnAllocateAndMergesOnFree)
{
    FakeFrames frames(0x100, 16);
    BuddyAllocator allocator(frames.pages, 0x100, 0x110);
    allocator.add_free_range(0x100, 0x110);
    ASSERT_EQ(allocator.free_blocks(4), 1u);

    auto pfn = allocator.allocate(0);
    ASSERT_TRUE(pfn.is_ok());
    EXPECT_EQ(pfn.value(), 0x100u); // the lower half is kept at every split
    EXPECT_EQ(allocator.free_pages(), 15u);
    for (unsigned order = 0; order < 4; ++order)
        EXPECT_EQ(allocator.free_blocks(order), 1u) << "order " << order;
    EXPECT_EQ(allocator.free_blocks(4), 0u);

    allocator.free(pfn.value());
    EXPECT_EQ(allocator.free_pages(), 16u);
    EXPECT_EQ(allocator.free_blocks(4), 1u);
    for (unsigned order = 0; order < 4; ++order)
        EXPECT_EQ(allocator.free_blocks(order), 0u);
}

TEST(BuddyAllocator, AdjacentRangesAddedSeparatelyCoalesce)
{
    FakeFrames frames(0, 64);
    BuddyAllocator allocator(frames.pages, 0, 64);
    allocator.add_free_range(0, 24);
    allocator.add_free_range(24, 32);
    EXPECT_EQ(allocator.free_blocks(5), 1u);
    EXPECT_EQ(allocator.free_pages(), 32u);
}

TEST(BuddyAllocator, BlocksAreAlignedToTheirSize)
{
    FakeFrames frames(0, 1 << 14);
    BuddyAllocator allocator(frames.pages, 0, 1 << 14);
    allocator.add_free_range(3, (1 << 14) - 5); // deliberately misaligned edges
    for (unsigned order = 0; order <= BuddyAllocator::max_order; ++order) {
        auto pfn = allocator.allocate(order);
        ASSERT_TRUE(pfn.is_ok()) << "order " << order;
        EXPECT_EQ(pfn.value() % (1ull << order), 0u) << "order " << order;
        EXPECT_GE(pfn.value(), 3u);
        EXPECT_LE(pfn.value() + (1ull << order), (1u << 14) - 5u);
    }
}

TEST(BuddyAllocator, NeverMergesAboveTheMaximumOrder)
{
    uint64_t count = 2ull << BuddyAllocator::max_order;
    FakeFrames frames(0, count);
    BuddyAllocator allocator(frames.pages, 0, count);
    allocator.add_free_range(0, count);
    EXPECT_EQ(allocator.free_blocks(BuddyAllocator::max_order), 2u);
    EXPECT_TRUE(allocator.allocate(BuddyAllocator::max_order + 1).is_error());
}

TEST(BuddyAllocator, ExhaustionReturnsOutOfMemory)
{
    FakeFrames frames(0x200, 100);
    BuddyAllocator allocator(frames.pages, 0x200, 0x200 + 100);
    allocator.add_free_range(0x200, 0x200 + 100);
    std::vector<uint64_t> taken;
    for (;;) {
        auto pfn = allocator.allocate(0);
        if (pfn.is_error()) {
            EXPECT_EQ(pfn.error(), Error::OutOfMemory);
            break;
        }
        taken.push_back(pfn.value());
    }
    EXPECT_EQ(taken.size(), 100u);
    EXPECT_EQ(allocator.free_pages(), 0u);
    EXPECT_EQ(allocator.largest_free_order(), -1);
    EXPECT_EQ(allocator.allocate(3).error(), Error::OutOfMemory);
    std::sort(taken.begin(), taken.end());
    EXPECT_TRUE(std::adjacent_find(taken.begin(), taken.end()) == taken.end());
    for (auto pfn : taken)
        allocator.free(pfn);
    EXPECT_EQ(allocator.free_pages(), 100u);
}

TEST(BuddyAllocator, FramesOutsideAddedRangesAreNeverHandedOut)
{
    FakeFrames frames(0, 256);
    BuddyAllocator allocator(frames.pages, 0, 256);
    allocator.add_free_range(0, 40);
    allocator.add_free_range(64, 100); // 40..63 and 100..255 are holes
    uint64_t handed_out = 0;
    while (true) {
        auto pfn = allocator.allocate(0);
        if (pfn.is_error())
            break;
        ++handed_out;
        EXPECT_TRUE(pfn.value() < 40 || (pfn.value() >= 64 && pfn.value() < 100)) << pfn.value();
    }
    EXPECT_EQ(handed_out, 76u);
}

TEST(BuddyAllocator, ZoneBoundsClipRangesAndMerges)
{
    FakeFrames frames(0, 64);
    BuddyAllocator low(frames.pages, 0, 32);
    BuddyAllocator high(frames.pages, 32, 64);
    low.add_free_range(0, 64);
    high.add_free_range(0, 64);
    EXPECT_EQ(low.free_pages(), 32u);
    EXPECT_EQ(high.free_pages(), 32u);
    EXPECT_EQ(low.free_blocks(5), 1u); // no merge with the buddy in the other zone
    EXPECT_EQ(high.free_blocks(5), 1u);
}

TEST(BuddyAllocator, FragmentationThenFullCoalescing)
{
    constexpr uint64_t count = 4096;
    FakeFrames frames(0, count);
    BuddyAllocator allocator(frames.pages, 0, count);
    allocator.add_free_range(0, count);
    Blocks initial = free_blocks(allocator);

    std::vector<uint64_t> pages;
    for (uint64_t i = 0; i < count; ++i)
        pages.push_back(allocator.allocate(0).value());
    // Free every other page: no two free pages are buddies, so nothing larger than a page exists.
    std::sort(pages.begin(), pages.end());
    for (uint64_t i = 0; i < count; i += 2)
        allocator.free(pages[i]);
    EXPECT_EQ(allocator.free_pages(), count / 2);
    EXPECT_EQ(allocator.free_blocks(0), count / 2);
    EXPECT_EQ(allocator.largest_free_order(), 0);
    EXPECT_EQ(allocator.allocate(1).error(), Error::OutOfMemory);

    for (uint64_t i = 1; i < count; i += 2)
        allocator.free(pages[i]);
    EXPECT_EQ(allocator.free_pages(), count);
    expect_same_blocks(free_blocks(allocator), initial);
    EXPECT_TRUE(allocator.allocate(BuddyAllocator::max_order).is_ok());
}

TEST(BuddyAllocator, RandomChurnNeverHandsOutAFrameTwice)
{
    constexpr uint64_t first = 0x3000, count = 8192 + 77;
    FakeFrames frames(first, count);
    BuddyAllocator allocator(frames.pages, first, first + count);
    allocator.add_free_range(first + 5, first + count);
    Blocks initial = free_blocks(allocator);
    uint64_t total = allocator.total_pages();

    std::mt19937_64 random(12345);
    std::vector<int> owner(count, -1);
    struct Live {
        uint64_t pfn;
        unsigned order;
    };
    std::vector<Live> live;
    uint64_t allocated_pages = 0;
    int next_id = 0;
    for (int step = 0; step < 200000; ++step) {
        bool allocate = live.empty() || random() % 100 < 55;
        if (allocate) {
            unsigned order = static_cast<unsigned>(random() % 100 < 80 ? random() % 3 : random() % (BuddyAllocator::max_order + 1));
            auto pfn = allocator.allocate(order);
            if (pfn.is_error()) {
                ASSERT_EQ(pfn.error(), Error::OutOfMemory);
                ASSERT_LT(allocator.largest_free_order(), static_cast<int>(order));
                continue;
            }
            ASSERT_EQ(pfn.value() % (1ull << order), 0u);
            for (uint64_t i = 0; i < (1ull << order); ++i) {
                ASSERT_EQ(owner[pfn.value() - first + i], -1) << "frame handed out twice";
                owner[pfn.value() - first + i] = next_id;
            }
            ++next_id;
            live.push_back({ pfn.value(), order });
            allocated_pages += 1ull << order;
        } else {
            size_t victim = random() % live.size();
            Live block = live[victim];
            live[victim] = live.back();
            live.pop_back();
            for (uint64_t i = 0; i < (1ull << block.order); ++i)
                owner[block.pfn - first + i] = -1;
            allocator.free(block.pfn);
            allocated_pages -= 1ull << block.order;
        }
        ASSERT_EQ(allocator.free_pages() + allocated_pages, total);
    }
    for (auto& block : live)
        allocator.free(block.pfn);
    EXPECT_EQ(allocator.free_pages(), total);
    expect_same_blocks(free_blocks(allocator), initial);
}

TEST(BuddyAllocatorDeathTest, DoubleFreePanics)
{
    FakeFrames frames(0, 16);
    BuddyAllocator allocator(frames.pages, 0, 16);
    allocator.add_free_range(0, 16);
    auto pfn = allocator.allocate(1).value();
    allocator.free(pfn);
    EXPECT_DEATH(allocator.free(pfn), "double free");
}

TEST(BuddyAllocatorDeathTest, FreeingAnUnmanagedFramePanics)
{
    FakeFrames frames(0, 16);
    BuddyAllocator allocator(frames.pages, 0, 16);
    allocator.add_free_range(0, 16);
    EXPECT_DEATH(allocator.free(99), "does not manage");
    EXPECT_DEATH(allocator.free(3), "not an allocated block");
}

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <kernel/mm/Heap.h>
#include <random>
#include <tests/host/support/FakeRam.h>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::mm;
using gehri::mm::testing::FakeRam;

namespace {

constexpr uint64_t MiB = 1024 * 1024;

struct HeapFixture : ::testing::Test {
    FakeRam ram { 64 * MiB, 32 * MiB };
    Heap heap { ram.memory };
    uint64_t baseline { ram.memory.free_pages() };

    void expect_everything_returned()
    {
        heap.release_empty_slabs();
        auto statistics = heap.statistics();
        EXPECT_EQ(statistics.small_allocations, 0u);
        EXPECT_EQ(statistics.large_allocations, 0u);
        EXPECT_EQ(statistics.slab_pages, 0u);
        EXPECT_EQ(statistics.large_pages, 0u);
        EXPECT_EQ(ram.memory.free_pages(), baseline);
    }
};

struct Allocation {
    uint8_t* pointer;
    size_t size;
    uint8_t pattern;
};

} // namespace

TEST(SizeClasses, EachSizeGetsTheSmallestFittingClass)
{
    for (size_t size = 0; size <= size_classes::max_size; ++size) {
        int size_class = size_classes::class_for(size);
        ASSERT_NE(size_class, size_classes::none) << size;
        EXPECT_GE(size_classes::sizes[size_class], size);
        if (size_class > 0) {
            EXPECT_LT(size_classes::sizes[size_class - 1], std::max<size_t>(size, 1)) << size;
        }
        EXPECT_GE(size_classes::alignment_of(size_class), 16u);
    }
    EXPECT_EQ(size_classes::class_for(size_classes::max_size + 1), size_classes::none);
}

TEST(SizeClasses, AlignmentPicksAClassWhoseObjectsAreAligned)
{
    for (size_t alignment = 16; alignment <= 2048; alignment *= 2) {
        for (size_t size : { 1, 17, 100, 500, 1500 }) {
            int size_class = size_classes::class_for(size, alignment);
            if (size_class == size_classes::none) {
                EXPECT_GT(std::max(size, alignment), 2048u);
                continue;
            }
            EXPECT_EQ(size_classes::alignment_of(size_class) % alignment, 0u) << size << " @" << alignment;
            EXPECT_GE(size_classes::sizes[size_class], size);
        }
    }
    EXPECT_EQ(size_classes::class_for(16, 4096), size_classes::none);
}

TEST(SizeClasses, SlabsHoldWholeObjects)
{
    for (unsigned size_class = 0; size_class < size_classes::count; ++size_class) {
        EXPECT_GE(size_classes::objects_per_slab(size_class), 2u);
        EXPECT_LE(size_classes::objects_per_slab(size_class) * size_classes::sizes[size_class], size_classes::slab_bytes);
        EXPECT_LT(size_classes::objects_per_slab(size_class), 0xFFFFu); // indices fit a uint16_t
    }
}

TEST_F(HeapFixture, EverySizeIsUsableAlignedAndDistinct)
{
    std::vector<Allocation> live;
    for (size_t size = 1; size <= 3 * 4096 + 17; size += (size < 2100 ? 1 : 97)) {
        auto result = heap.allocate(size);
        ASSERT_TRUE(result.is_ok()) << size;
        auto* pointer = static_cast<uint8_t*>(result.value());
        EXPECT_EQ(reinterpret_cast<uintptr_t>(pointer) % 16, 0u);
        EXPECT_GE(heap.usable_size(pointer), size);
        ASSERT_TRUE(ram.contains(pointer, size));
        auto pattern = static_cast<uint8_t>(size * 7 + 1);
        memset(pointer, pattern, size);
        live.push_back({ pointer, size, pattern });
    }
    for (auto& allocation : live) {
        for (size_t i = 0; i < allocation.size; ++i)
            ASSERT_EQ(allocation.pointer[i], allocation.pattern) << "allocation of " << allocation.size << " overwritten";
    }
    // Sorted by address, no allocation reaches into the next one.
    std::sort(live.begin(), live.end(), [](auto& a, auto& b) { return a.pointer < b.pointer; });
    for (size_t i = 1; i < live.size(); ++i)
        EXPECT_LE(live[i - 1].pointer + live[i - 1].size, live[i].pointer);
    for (auto& allocation : live)
        heap.free(allocation.pointer);
    expect_everything_returned();
}

TEST_F(HeapFixture, HonoursLargeAlignments)
{
    std::vector<void*> live;
    for (size_t alignment = 16; alignment <= 64 * 1024; alignment *= 2) {
        for (size_t size : { 1, 40, 300, 2048, 5000 }) {
            void* pointer = heap.allocate(size, alignment).value();
            EXPECT_EQ(reinterpret_cast<uintptr_t>(pointer) % alignment, 0u) << size << " @" << alignment;
            live.push_back(pointer);
        }
    }
    for (void* pointer : live)
        heap.free(pointer);
    expect_everything_returned();
}

TEST_F(HeapFixture, RejectsBadRequests)
{
    EXPECT_EQ(heap.allocate(16, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(heap.allocate(16, 48).error(), Error::InvalidArgument);
    EXPECT_EQ(heap.allocate(64 * MiB).error(), Error::OutOfMemory);
    EXPECT_EQ(heap.allocate(~size_t(0) - 10).error(), Error::OutOfMemory);
    heap.free(nullptr);
    expect_everything_returned();
}

TEST_F(HeapFixture, ExhaustionIsAnErrorAndEverythingComesBack)
{
    std::vector<void*> live;
    for (;;) {
        auto result = heap.allocate(2048);
        if (result.is_error()) {
            EXPECT_EQ(result.error(), Error::OutOfMemory);
            break;
        }
        live.push_back(result.value());
    }
    EXPECT_EQ(live.size(), 2 * baseline);
    EXPECT_EQ(ram.memory.free_pages(), 0u);
    EXPECT_EQ(heap.allocate(5000).error(), Error::OutOfMemory);
    for (void* pointer : live)
        heap.free(pointer);
    expect_everything_returned();
}

TEST_F(HeapFixture, KeepsOneEmptySlabPerClassAndReleasesTheRest)
{
    std::vector<void*> live;
    for (int i = 0; i < 4 * 256; ++i) // 4 slabs of 16-byte objects
        live.push_back(heap.allocate(16).value());
    EXPECT_EQ(heap.statistics().slab_pages, 4u);
    for (void* pointer : live)
        heap.free(pointer);
    EXPECT_EQ(heap.statistics().slab_pages, 1u);
    EXPECT_EQ(ram.memory.free_pages(), baseline - 1);
    // An alloc/free cycle reuses the cached slab.
    heap.free(heap.allocate(10).value());
    EXPECT_EQ(ram.memory.free_pages(), baseline - 1);
    expect_everything_returned();
}

TEST_F(HeapFixture, RandomChurnKeepsContentsIntact)
{
    std::mt19937 random(99);
    std::vector<Allocation> live;
    for (int step = 0; step < 100000; ++step) {
        if (live.empty() || random() % 100 < 52) {
            size_t size = random() % 100 < 90 ? 1 + random() % 600 : 1 + random() % 20000;
            auto result = heap.allocate(size);
            ASSERT_TRUE(result.is_ok());
            auto pattern = static_cast<uint8_t>(random());
            auto* pointer = static_cast<uint8_t*>(result.value());
            memset(pointer, pattern, size);
            live.push_back({ pointer, size, pattern });
        } else {
            size_t victim = random() % live.size();
            auto allocation = live[victim];
            live[victim] = live.back();
            live.pop_back();
            for (size_t i = 0; i < allocation.size; ++i)
                ASSERT_EQ(allocation.pointer[i], allocation.pattern);
            heap.free(allocation.pointer);
        }
    }
    for (auto& allocation : live)
        heap.free(allocation.pointer);
    expect_everything_returned();
}

TEST_F(HeapFixture, ConcurrentAllocationFromManyThreads)
{
    auto worker = [this](unsigned seed) {
        std::mt19937 random(seed);
        std::vector<Allocation> live;
        for (int step = 0; step < 20000; ++step) {
            if (live.size() < 50 && (live.empty() || random() % 2)) {
                size_t size = 1 + random() % (random() % 10 ? 256 : 6000);
                auto* pointer = static_cast<uint8_t*>(heap.allocate(size).value());
                auto pattern = static_cast<uint8_t>(seed + step);
                memset(pointer, pattern, size);
                live.push_back({ pointer, size, pattern });
            } else {
                auto allocation = live.back();
                live.pop_back();
                for (size_t i = 0; i < allocation.size; ++i) {
                    if (allocation.pointer[i] != allocation.pattern)
                        std::abort();
                }
                heap.free(allocation.pointer);
            }
        }
        for (auto& allocation : live)
            heap.free(allocation.pointer);
    };
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < 4; ++i)
        threads.emplace_back(worker, i + 1);
    for (auto& thread : threads)
        thread.join();
    expect_everything_returned();
}

using HeapDeathTest = HeapFixture;

TEST_F(HeapDeathTest, DoubleFreeOfASmallObjectPanics)
{
    void* keep = heap.allocate(64).value(); // keeps the slab alive after the first free
    void* pointer = heap.allocate(64).value();
    heap.free(pointer);
    EXPECT_DEATH(heap.free(pointer), "double free");
    heap.free(keep);
}

TEST_F(HeapDeathTest, FreeingWhatTheHeapDidNotHandOutPanics)
{
    int on_stack = 0;
    EXPECT_DEATH(heap.free(&on_stack), "did not hand out");
    auto* large = static_cast<uint8_t*>(heap.allocate(3 * 4096).value());
    EXPECT_DEATH(heap.free(large + 4096), "did not hand out|inside a large allocation");
    auto* small = static_cast<uint8_t*>(heap.allocate(64).value());
    EXPECT_DEATH(heap.free(small + 16), "not the start");
    heap.free(small);
    heap.free(large);
}

#include <algorithm>
#include <gtest/gtest.h>
#include <kernel/lib/FixedHashMap.h>
#include <kernel/lib/Sort.h>
#include <random>
#include <unordered_map>
#include <vector>

using namespace gehri;

TEST(HeapSort, SortsLikeStdSort)
{
    std::mt19937_64 random(3);
    for (size_t size : { 0, 1, 2, 3, 7, 64, 1000 }) {
        std::vector<uint64_t> values(size);
        for (auto& value : values)
            value = random() % 50;
        auto expected = values;
        std::sort(expected.begin(), expected.end());
        heap_sort(Span<uint64_t>(values.data(), values.size()), [](uint64_t a, uint64_t b) { return a < b; });
        EXPECT_EQ(values, expected);
        EXPECT_EQ(lower_bound(Span<uint64_t>(values.data(), values.size()), 25, [](uint64_t a, uint64_t b) { return a < b; }),
            static_cast<size_t>(std::lower_bound(expected.begin(), expected.end(), 25) - expected.begin()));
    }
}

TEST(FixedHashMap, BehavesLikeAMapUpToItsLoadLimit)
{
    std::vector<HashSlot<uint32_t>> slots(1024);
    auto map = FixedHashMap<uint32_t>::create(Span<HashSlot<uint32_t>>(slots.data(), slots.size())).release_value();
    std::unordered_map<uint64_t, uint32_t> reference;
    std::mt19937_64 random(5);
    while (reference.size() < map.max_load()) {
        uint64_t key = random() % 4000 * 0x100000000ull;
        auto value = map.find_or_insert(key, 0);
        ASSERT_TRUE(value.is_ok());
        ++*value.value();
        ++reference[key];
    }
    EXPECT_EQ(map.size(), 896u);
    EXPECT_EQ(map.find_or_insert(UINT64_MAX - 1, 0).error(), Error::OutOfMemory);
    EXPECT_EQ(map.find_or_insert(FixedHashMap<uint32_t>::empty_key, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(map.find(FixedHashMap<uint32_t>::empty_key), nullptr);
    for (auto [key, count] : reference) {
        ASSERT_NE(map.find(key), nullptr);
        EXPECT_EQ(*map.find(key), count);
    }
    size_t visited = 0;
    map.for_each([&](uint64_t key, uint32_t value) {
        EXPECT_EQ(reference.at(key), value);
        ++visited;
    });
    EXPECT_EQ(visited, reference.size());
    EXPECT_EQ(map.find(1), nullptr); // a miss in a nearly full table still terminates
}

TEST(FixedHashMap, TinyTablesKeepAnEmptySlot)
{
    HashSlot<int> slots[2];
    auto map = FixedHashMap<int>::create(slots).release_value();
    EXPECT_TRUE(map.find_or_insert(10, 1).is_ok());
    EXPECT_EQ(map.find_or_insert(11, 1).error(), Error::OutOfMemory);
    EXPECT_EQ(map.find(11), nullptr);
    HashSlot<int> odd[3];
    EXPECT_EQ(FixedHashMap<int>::create(odd).error(), Error::InvalidArgument);
}

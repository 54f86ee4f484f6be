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

TEST(FixedHashMap, RemoveKeepsEveryOtherKeyReachable)
{
    // Small table, clustered keys: removals happen in the middle of long probe runs, wrapping.
    std::vector<HashSlot<uint64_t>> slots(64);
    auto map = FixedHashMap<uint64_t>::create(Span<HashSlot<uint64_t>>(slots.data(), slots.size())).release_value();
    std::unordered_map<uint64_t, uint64_t> reference;
    std::mt19937_64 random(11);
    for (int step = 0; step < 20000; ++step) {
        uint64_t key = random() % 90;
        if (random() % 2 == 0 && reference.size() < map.max_load()) {
            ASSERT_TRUE(map.find_or_insert(key, key * 3).is_ok());
            reference[key] = key * 3;
        } else {
            EXPECT_EQ(map.remove(key), reference.erase(key) == 1);
        }
        ASSERT_EQ(map.size(), reference.size());
        if (step % 97 == 0) {
            for (uint64_t probe = 0; probe < 90; ++probe) {
                auto it = reference.find(probe);
                const uint64_t* found = map.find(probe);
                ASSERT_EQ(found != nullptr, it != reference.end()) << "key " << probe;
                if (found) {
                    EXPECT_EQ(*found, it->second);
                }
            }
        }
    }
    EXPECT_FALSE(map.remove(FixedHashMap<uint64_t>::empty_key));
}

TEST(FixedHashMap, RemoveIfTakesExactlyTheMatchingEntries)
{
    std::mt19937_64 random(13);
    for (int round = 0; round < 200; ++round) {
        std::vector<HashSlot<uint64_t>> slots(32);
        auto map = FixedHashMap<uint64_t>::create(Span<HashSlot<uint64_t>>(slots.data(), slots.size())).release_value();
        std::unordered_map<uint64_t, uint64_t> reference;
        while (reference.size() < map.max_load()) {
            uint64_t key = random() % 200;
            ASSERT_TRUE(map.find_or_insert(key, key).is_ok());
            reference[key] = key;
        }
        uint64_t divisor = 2 + round % 5;
        size_t expected = std::erase_if(reference, [&](auto& entry) { return entry.first % divisor == 0; });
        EXPECT_EQ(map.remove_if([&](uint64_t key, uint64_t) { return key % divisor == 0; }), expected);
        ASSERT_EQ(map.size(), reference.size());
        for (uint64_t key = 0; key < 200; ++key)
            ASSERT_EQ(map.find(key) != nullptr, reference.count(key) == 1) << "key " << key;
    }
}

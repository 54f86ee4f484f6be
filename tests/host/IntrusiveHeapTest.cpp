#include <gtest/gtest.h>
#include <kernel/sched/IntrusiveHeap.h>
#include <kernel/sched/IntrusiveList.h>
#include <random>
#include <set>
#include <vector>

using namespace gehri::sched;

namespace {

struct Item {
    int key { 0 };
    int id { 0 };
    HeapNode<Item> heap_node;
    ListNode<Item> list_node;
};

struct ItemOrder {
    bool operator()(const Item& a, const Item& b) const { return a.key != b.key ? a.key < b.key : a.id < b.id; }
};

using Heap = IntrusiveHeap<Item, &Item::heap_node, ItemOrder>;
using List = IntrusiveList<Item, &Item::list_node>;

} // namespace

TEST(IntrusiveHeap, EmptyHeapHasNoFirst)
{
    Heap heap;
    EXPECT_TRUE(heap.is_empty());
    EXPECT_EQ(heap.first(), nullptr);
    EXPECT_EQ(heap.pop_first(), nullptr);
    EXPECT_TRUE(heap.is_valid());
}

TEST(IntrusiveHeap, PopsInKeyOrderWithTiesFirstComeFirstServed)
{
    std::vector<Item> items(6);
    int keys[] = { 5, 1, 3, 1, 9, 3 };
    Heap heap;
    for (int i = 0; i < 6; ++i) {
        items[i].key = keys[i];
        items[i].id = i;
        heap.insert(items[i]);
    }
    EXPECT_TRUE(heap.is_valid());
    int expected_ids[] = { 1, 3, 2, 5, 0, 4 };
    for (int id : expected_ids) {
        Item* item = heap.pop_first();
        ASSERT_NE(item, nullptr);
        EXPECT_EQ(item->id, id);
        EXPECT_FALSE(item->heap_node.is_linked());
        EXPECT_TRUE(heap.is_valid());
    }
    EXPECT_TRUE(heap.is_empty());
}

TEST(IntrusiveHeap, RandomInsertRemoveAndPopMatchAnOrderedSet)
{
    std::mt19937 random(1234);
    constexpr int count = 2000;
    std::vector<Item> items(count);
    std::set<std::pair<int, int>> reference;
    Heap heap;
    for (int round = 0; round < 20000; ++round) {
        int index = static_cast<int>(random() % count);
        Item& item = items[index];
        int action = static_cast<int>(random() % 3);
        if (!item.heap_node.is_linked() && action != 2) {
            item.key = static_cast<int>(random() % 500);
            item.id = index;
            heap.insert(item);
            reference.insert({ item.key, item.id });
        } else if (item.heap_node.is_linked() && action == 1) {
            heap.remove(item);
            reference.erase({ item.key, item.id });
        } else if (!reference.empty()) {
            Item* first = heap.pop_first();
            ASSERT_NE(first, nullptr);
            EXPECT_EQ(std::make_pair(first->key, first->id), *reference.begin());
            reference.erase(reference.begin());
        }
        ASSERT_EQ(heap.size(), reference.size());
        if (round % 997 == 0) {
            ASSERT_TRUE(heap.is_valid());
        }
    }
    EXPECT_TRUE(heap.is_valid());
    size_t visited = 0;
    heap.for_each([&](Item& item) {
        ++visited;
        EXPECT_TRUE(reference.count({ item.key, item.id }));
    });
    EXPECT_EQ(visited, reference.size());
    while (!reference.empty()) {
        Item* first = heap.pop_first();
        ASSERT_NE(first, nullptr);
        EXPECT_EQ(std::make_pair(first->key, first->id), *reference.begin());
        reference.erase(reference.begin());
    }
    EXPECT_TRUE(heap.is_empty());
}

TEST(IntrusiveList, AppendRemovePopKeepOrder)
{
    std::vector<Item> items(4);
    List list;
    for (int i = 0; i < 4; ++i) {
        items[i].id = i;
        list.append(items[i]);
    }
    EXPECT_EQ(list.size(), 4u);
    list.remove(items[2]);
    list.remove(items[0]);
    EXPECT_FALSE(items[0].list_node.is_linked());
    EXPECT_FALSE(list.contains(items[2]));
    EXPECT_TRUE(list.contains(items[3]));
    std::vector<int> order;
    list.for_each([&](Item& item) { order.push_back(item.id); });
    EXPECT_EQ(order, (std::vector<int> { 1, 3 }));
    EXPECT_EQ(list.pop_first()->id, 1);
    EXPECT_EQ(list.pop_first()->id, 3);
    EXPECT_EQ(list.pop_first(), nullptr);
    EXPECT_TRUE(list.is_empty());
}

#pragma once

#include <kernel/lib/Span.h>
#include <utility>

namespace gehri {

// In-place heap sort: O(n log n) worst case, no allocation, no recursion, so it is safe on a
// kernel stack whatever the input. Not stable; callers that need a deterministic order give
// `less` a total order (e.g. break ties on a unique id).
template<typename T, typename Less>
void heap_sort(Span<T> items, Less less)
{
    size_t count = items.size();
    auto sift_down = [&](size_t root, size_t end) {
        for (;;) {
            size_t child = 2 * root + 1;
            if (child >= end)
                return;
            if (child + 1 < end && less(items[child], items[child + 1]))
                ++child;
            if (!less(items[root], items[child]))
                return;
            std::swap(items[root], items[child]);
            root = child;
        }
    };
    for (size_t start = count / 2; start-- > 0;)
        sift_down(start, count);
    for (size_t end = count; end > 1; --end) {
        std::swap(items[0], items[end - 1]);
        sift_down(0, end - 1);
    }
}

// Index of the first element not less than `key` in a range sorted by `less` (std::lower_bound).
template<typename T, typename Key, typename Less>
size_t lower_bound(Span<T> items, const Key& key, Less less)
{
    size_t low = 0;
    size_t high = items.size();
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (less(items[middle], key))
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

} // namespace gehri

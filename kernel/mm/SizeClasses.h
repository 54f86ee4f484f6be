#pragma once

#include <stddef.h>
#include <stdint.h>

// The heap's small-object size classes. Each slab is one 4 KiB page cut into equal objects, so
// an object of class size S sits at a multiple of S from a page boundary and is aligned to the
// largest power of two dividing S (16 at least). Between powers of two a class at 1.5x keeps
// the rounding waste under a third.
namespace gehri::mm::size_classes {

constexpr uint16_t sizes[] = { 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048 };
constexpr unsigned count = sizeof(sizes) / sizeof(sizes[0]);
constexpr size_t max_size = 2048;
constexpr size_t min_alignment = 16;
constexpr size_t slab_bytes = 4096;
constexpr int none = -1;

constexpr size_t alignment_of(unsigned size_class) { return sizes[size_class] & -sizes[size_class]; }
constexpr unsigned objects_per_slab(unsigned size_class) { return slab_bytes / sizes[size_class]; }

namespace detail {
struct Table {
    uint8_t by_granule[max_size / min_alignment + 1];
};
constexpr Table build_table()
{
    Table table {};
    unsigned size_class = 0;
    for (size_t granule = 0; granule <= max_size / min_alignment; ++granule) {
        while (sizes[size_class] < granule * min_alignment)
            ++size_class;
        table.by_granule[granule] = static_cast<uint8_t>(size_class);
    }
    return table;
}
constexpr Table table = build_table();
} // namespace detail

// The smallest class that holds `size` bytes aligned to `alignment` (a power of two), or
// `none` when the request needs whole pages.
constexpr int class_for(size_t size, size_t alignment = min_alignment)
{
    if (size > max_size)
        return none;
    unsigned size_class = detail::table.by_granule[(size + min_alignment - 1) / min_alignment];
    while (size_class < count && alignment_of(size_class) < alignment)
        ++size_class;
    return size_class < count ? static_cast<int>(size_class) : none;
}

static_assert(class_for(0) == 0 && class_for(1) == 0 && class_for(16) == 0 && class_for(17) == 1);
static_assert(class_for(33) == 2 && class_for(2048) == count - 1 && class_for(2049) == none);
static_assert(class_for(40, 64) == 3 && class_for(700, 1024) == count - 2 && class_for(8, 4096) == none);

} // namespace gehri::mm::size_classes

#pragma once

#include <kernel/lib/Result.h>
#include <kernel/mm/Layout.h>
#include <stddef.h>

namespace gehri::mm {

// [start, end): end is exclusive.
struct PhysicalRange {
    PhysicalAddress start { 0 };
    PhysicalAddress end { 0 };

    uint64_t size() const { return end - start; }
    bool is_empty() const { return end <= start; }
    bool operator==(const PhysicalRange&) const = default;
};

// A set of physical addresses as sorted, disjoint, non-adjacent ranges, with a fixed
// capacity (it is built before any allocator exists).
class PhysicalRangeList {
public:
    static constexpr size_t capacity = 192;

    // Union with `range`; fails with OutOfRange only if the list is full.
    Result<void> add(PhysicalRange range);
    // Removes `range`; splitting a range can need one more slot.
    Result<void> remove(PhysicalRange range);
    // Shrinks every range inward to whole `alignment` units, dropping any that vanish.
    void align_inward(uint64_t alignment);

    size_t size() const { return m_count; }
    const PhysicalRange& operator[](size_t index) const { return m_ranges[index]; }
    const PhysicalRange* begin() const { return m_ranges; }
    const PhysicalRange* end() const { return m_ranges + m_count; }
    uint64_t total_bytes() const;
    bool contains(PhysicalAddress address) const;

private:
    Result<void> insert_at(size_t index, PhysicalRange range);
    void erase_at(size_t index);

    PhysicalRange m_ranges[capacity];
    size_t m_count { 0 };
};

} // namespace gehri::mm

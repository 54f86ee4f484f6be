#include <kernel/mm/PhysicalRange.h>

namespace gehri::mm {

Result<void> PhysicalRangeList::insert_at(size_t index, PhysicalRange range)
{
    if (m_count == capacity)
        return Error::OutOfRange;
    for (size_t i = m_count; i > index; --i)
        m_ranges[i] = m_ranges[i - 1];
    m_ranges[index] = range;
    ++m_count;
    return {};
}

void PhysicalRangeList::erase_at(size_t index)
{
    for (size_t i = index; i + 1 < m_count; ++i)
        m_ranges[i] = m_ranges[i + 1];
    --m_count;
}

Result<void> PhysicalRangeList::add(PhysicalRange range)
{
    if (range.is_empty())
        return {};
    // Absorb every range that overlaps or touches the new one, then insert the union.
    size_t index = 0;
    while (index < m_count && m_ranges[index].end < range.start)
        ++index;
    while (index < m_count && m_ranges[index].start <= range.end) {
        if (m_ranges[index].start < range.start)
            range.start = m_ranges[index].start;
        if (m_ranges[index].end > range.end)
            range.end = m_ranges[index].end;
        erase_at(index);
    }
    return insert_at(index, range);
}

Result<void> PhysicalRangeList::remove(PhysicalRange cut)
{
    if (cut.is_empty())
        return {};
    for (size_t index = 0; index < m_count;) {
        PhysicalRange& range = m_ranges[index];
        if (range.end <= cut.start || range.start >= cut.end) {
            ++index;
            continue;
        }
        PhysicalRange left { range.start, cut.start };
        PhysicalRange right { cut.end, range.end };
        if (range.start < cut.start && range.end > cut.end) {
            if (m_count == capacity)
                return Error::OutOfRange; // before changing anything: the list stays as it was
            range = left;
            return insert_at(index + 1, right);
        }
        if (range.start < cut.start) {
            range = left;
            ++index;
        } else if (range.end > cut.end) {
            range = right;
            ++index;
        } else {
            erase_at(index);
        }
    }
    return {};
}

void PhysicalRangeList::align_inward(uint64_t alignment)
{
    for (size_t index = 0; index < m_count;) {
        PhysicalRange& range = m_ranges[index];
        uint64_t start = align_up(range.start, alignment);
        uint64_t end = align_down(range.end, alignment);
        if (start < range.start || end <= start) { // also catches align_up wrapping past 2^64
            erase_at(index);
            continue;
        }
        range = { start, end };
        ++index;
    }
}

uint64_t PhysicalRangeList::total_bytes() const
{
    uint64_t total = 0;
    for (auto& range : *this)
        total += range.size();
    return total;
}

bool PhysicalRangeList::contains(PhysicalAddress address) const
{
    for (auto& range : *this) {
        if (address >= range.start && address < range.end)
            return true;
    }
    return false;
}

} // namespace gehri::mm

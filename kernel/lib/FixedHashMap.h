#pragma once

#include <bit>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <stdint.h>

namespace gehri {

template<typename Value>
struct HashSlot {
    uint64_t key;
    Value value;
};

// An open-addressing (linear probing) map from 64-bit keys to values, in slot storage the
// caller provides and keeps alive: no allocation, bounded probe work. remove() shifts the
// following run of the probe sequence back (no tombstones), so lookups stay as short as if the
// entry had never been there. The slot count is a power of two and the map refuses inserts
// beyond 7/8 load so probe sequences stay short. Iteration order depends on insertion history:
// callers that need deterministic results use order-independent reductions (integer sums).
template<typename Value>
class FixedHashMap {
public:
    static constexpr uint64_t empty_key = UINT64_MAX;

    // A map without slots: finds nothing, refuses every insert (OutOfMemory).
    constexpr FixedHashMap() = default;

    // InvalidArgument unless slots.size() is a power of two >= 2.
    static Result<FixedHashMap> create(Span<HashSlot<Value>> slots)
    {
        if (slots.size() < 2 || !std::has_single_bit(slots.size()))
            return Error::InvalidArgument;
        for (auto& slot : slots)
            slot.key = empty_key;
        return FixedHashMap(slots);
    }

    Value* find(uint64_t key)
    {
        if (m_slots.is_empty())
            return nullptr;
        size_t index = locate(key);
        return m_slots[index].key == key && key != empty_key ? &m_slots[index].value : nullptr;
    }
    const Value* find(uint64_t key) const { return const_cast<FixedHashMap*>(this)->find(key); }

    // The value for `key`, inserted as `initial` if absent. OutOfMemory when the map is at its
    // load limit; InvalidArgument for the reserved key.
    Result<Value*> find_or_insert(uint64_t key, const Value& initial)
    {
        if (key == empty_key)
            return Error::InvalidArgument;
        if (m_slots.is_empty())
            return Error::OutOfMemory;
        size_t index = locate(key);
        HashSlot<Value>& slot = m_slots[index];
        if (slot.key == key)
            return &slot.value;
        if (m_size >= max_load())
            return Error::OutOfMemory;
        slot.key = key;
        slot.value = initial;
        ++m_size;
        return &slot.value;
    }

    // Removes `key`; false if it was absent. Moves later entries of the same probe run back
    // into the hole (backward-shift deletion), so pointers into the map are invalidated.
    bool remove(uint64_t key)
    {
        if (key == empty_key || m_slots.is_empty())
            return false;
        size_t mask = m_slots.size() - 1;
        size_t hole = locate(key);
        if (m_slots[hole].key != key)
            return false;
        size_t next = (hole + 1) & mask;
        while (m_slots[next].key != empty_key) {
            size_t wanted = home(m_slots[next].key);
            // The entry may fill the hole unless its home lies cyclically in (hole, next].
            bool stays = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next);
            if (!stays) {
                m_slots[hole] = m_slots[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        m_slots[hole].key = empty_key;
        --m_size;
        return true;
    }

    // Removes every entry for which predicate(key, value) is true; returns how many. One pass
    // over the slots: after a removal the same slot is looked at again, since the backward
    // shift may have moved a later entry into it. The predicate sees each removed entry once
    // (a kept one possibly twice, when a run wraps around the end of the table).
    template<typename Predicate>
    size_t remove_if(Predicate predicate)
    {
        size_t removed = 0;
        size_t index = 0;
        while (index < m_slots.size()) {
            HashSlot<Value>& slot = m_slots[index];
            if (slot.key != empty_key && predicate(slot.key, static_cast<const Value&>(slot.value))) {
                (void)remove(slot.key);
                ++removed;
                continue;
            }
            ++index;
        }
        return removed;
    }

    template<typename Callback>
    void for_each(Callback callback) const
    {
        for (const auto& slot : m_slots) {
            if (slot.key != empty_key)
                callback(slot.key, slot.value);
        }
    }

    // The entries among slots [first, first + count): lets a caller spread a walk over the
    // table across calls (no insertion or removal in between, or the walk may miss or repeat).
    template<typename Callback>
    void for_each_in(size_t first, size_t count, Callback callback) const
    {
        size_t end = first + count < m_slots.size() ? first + count : m_slots.size();
        for (size_t index = first; index < end; ++index) {
            if (m_slots[index].key != empty_key)
                callback(m_slots[index].key, m_slots[index].value);
        }
    }

    size_t slot_count() const { return m_slots.size(); }
    size_t size() const { return m_size; }
    // At least one slot always stays empty: it is what ends a probe for a missing key.
    size_t max_load() const { return m_slots.is_empty() ? 0 : m_slots.size() - (m_slots.size() >= 16 ? m_slots.size() / 8 : 1); }

private:
    explicit FixedHashMap(Span<HashSlot<Value>> slots)
        : m_slots(slots)
        , m_shift(64 - std::countr_zero(slots.size()))
    {
    }

    // Fibonacci hashing: the top bits of key * 2^64/phi spread sequential keys well.
    size_t home(uint64_t key) const { return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> m_shift); }

    // The slot holding `key`, or the empty slot where it would go. The load limit guarantees
    // an empty slot exists, so the probe terminates.
    size_t locate(uint64_t key) const
    {
        size_t mask = m_slots.size() - 1;
        size_t index = home(key);
        while (m_slots[index].key != key && m_slots[index].key != empty_key)
            index = (index + 1) & mask;
        return index;
    }

    Span<HashSlot<Value>> m_slots;
    int m_shift { 0 };
    size_t m_size { 0 };
};

} // namespace gehri

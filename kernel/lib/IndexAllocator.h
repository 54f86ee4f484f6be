#pragma once

#include <bit>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/log/Panic.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri {

// Hands out the integers 0..Count-1, each to one holder at a time, from a bitmap. A search
// starts where the last one succeeded, a word (64 indices) at a time. Interrupt-safe.
template<size_t Count>
class IndexAllocator {
public:
    static_assert(Count > 0 && Count % 64 == 0);

    Result<size_t> allocate()
    {
        InterruptSafeGuard guard(m_lock);
        for (size_t step = 0; step < word_count; ++step) {
            size_t word = (m_hint + step) % word_count;
            if (m_used[word] == ~uint64_t(0))
                continue;
            unsigned bit = static_cast<unsigned>(std::countr_one(m_used[word]));
            m_used[word] |= uint64_t(1) << bit;
            m_hint = word;
            ++m_in_use;
            return word * 64 + bit;
        }
        return Error::OutOfMemory;
    }

    void release(size_t index)
    {
        InterruptSafeGuard guard(m_lock);
        VERIFY(index < Count);
        uint64_t bit = uint64_t(1) << (index % 64);
        VERIFY(m_used[index / 64] & bit);
        m_used[index / 64] &= ~bit;
        --m_in_use;
    }

    size_t in_use() const { return __atomic_load_n(&m_in_use, __ATOMIC_RELAXED); }

private:
    static constexpr size_t word_count = Count / 64;
    Spinlock m_lock;
    uint64_t m_used[word_count] {};
    size_t m_hint { 0 };
    size_t m_in_use { 0 };
};

} // namespace gehri

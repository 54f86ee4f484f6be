#pragma once

#include <kernel/lib/Span.h>
#include <new>
#include <stddef.h>
#include <stdint.h>

namespace gehri::wildfire {

// Carves typed, default-constructed arrays out of one caller-provided byte range, so a whole
// simulation lives in one allocation (one vector on the host, one memory object in an agent).
// A measuring arena (no bytes) only adds up the sizes: layouts run once to measure and once
// to carve, so the two can never disagree.
class Arena {
public:
    static Arena measuring() { return Arena({}, true); }
    explicit Arena(Span<uint8_t> bytes)
        : Arena(bytes, false)
    {
    }

    template<typename T>
    Span<T> take(size_t count)
    {
        size_t aligned = (m_used + alignof(T) - 1) & ~(alignof(T) - 1);
        if (count > (SIZE_MAX - aligned) / sizeof(T)) {
            m_failed = true;
            return {};
        }
        size_t end = aligned + count * sizeof(T);
        m_used = end;
        if (m_measuring || m_failed)
            return {};
        if (end > m_bytes.size()) {
            m_failed = true;
            return {};
        }
        T* items = reinterpret_cast<T*>(m_bytes.data() + aligned);
        for (size_t i = 0; i < count; ++i)
            new (&items[i]) T();
        return { items, count };
    }

    size_t used() const { return m_used; }
    bool failed() const { return m_failed; }

private:
    Arena(Span<uint8_t> bytes, bool measuring)
        : m_bytes(bytes)
        , m_measuring(measuring)
    {
    }

    Span<uint8_t> m_bytes;
    size_t m_used { 0 };
    bool m_measuring;
    bool m_failed { false };
};

} // namespace gehri::wildfire

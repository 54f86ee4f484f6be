#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::audit {

// Caller-provided bytes addressed by an ever-growing 64-bit position, wrapping at the end.
// It knows nothing about what is free: its owner keeps the cursors.
class ByteRing {
public:
    ByteRing() = default;
    ByteRing(uint8_t* storage, size_t capacity)
        : m_storage(storage)
        , m_capacity(capacity)
    {
    }

    size_t capacity() const { return m_capacity; }
    void write(uint64_t position, const void* data, size_t length);
    void read(uint64_t position, void* out, size_t length) const;

private:
    uint8_t* m_storage { nullptr };
    size_t m_capacity { 0 };
};

} // namespace gehri::audit

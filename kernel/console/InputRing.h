#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::console {

// Bytes typed at the console, from the interrupt handler that receives them to the console
// thread that reads them: one producer, one consumer, no lock (an interrupt handler must not
// wait for a thread). When it is full the newest bytes are dropped and counted: a person who
// typed 256 bytes ahead of the console loses the tail, never the machine.
template<size_t Capacity>
class InputRing {
    static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "a power of two, so the indices may wrap");

public:
    // Producer side. False (and counted) when full.
    bool push(uint8_t byte)
    {
        uint32_t head = __atomic_load_n(&m_head, __ATOMIC_RELAXED);
        uint32_t tail = __atomic_load_n(&m_tail, __ATOMIC_ACQUIRE);
        if (head - tail == Capacity) {
            __atomic_fetch_add(&m_dropped, 1, __ATOMIC_RELAXED);
            return false;
        }
        m_bytes[head % Capacity] = byte;
        __atomic_store_n(&m_head, head + 1, __ATOMIC_RELEASE);
        return true;
    }

    // Consumer side: the oldest byte, or -1 when empty.
    int pop()
    {
        uint32_t tail = __atomic_load_n(&m_tail, __ATOMIC_RELAXED);
        uint32_t head = __atomic_load_n(&m_head, __ATOMIC_ACQUIRE);
        if (head == tail)
            return -1;
        uint8_t byte = m_bytes[tail % Capacity];
        __atomic_store_n(&m_tail, tail + 1, __ATOMIC_RELEASE);
        return byte;
    }

    size_t size() const { return __atomic_load_n(&m_head, __ATOMIC_ACQUIRE) - __atomic_load_n(&m_tail, __ATOMIC_ACQUIRE); }
    uint64_t dropped() const { return __atomic_load_n(&m_dropped, __ATOMIC_RELAXED); }

private:
    uint8_t m_bytes[Capacity] {};
    uint32_t m_head { 0 }; // next to write; only the producer stores it
    uint32_t m_tail { 0 }; // next to read; only the consumer stores it
    uint64_t m_dropped { 0 };
};

} // namespace gehri::console

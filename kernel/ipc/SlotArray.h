#pragma once

#include <kernel/lib/Result.h>
#include <new>
#include <stddef.h>
#include <utility>

namespace gehri::ipc {

// A fixed number of default-constructed T, allocated once and owned (the RAII form of new[]).
// Queues size their storage at creation so that enqueueing never allocates.
template<typename T>
class SlotArray {
public:
    SlotArray() = default;
    static Result<SlotArray> create(size_t count)
    {
        T* slots = new (std::nothrow) T[count];
        if (!slots)
            return Error::OutOfMemory;
        return SlotArray(slots, count);
    }
    SlotArray(SlotArray&& other)
        : m_slots(std::exchange(other.m_slots, nullptr))
        , m_count(std::exchange(other.m_count, 0))
    {
    }
    SlotArray& operator=(SlotArray&& other)
    {
        if (this != &other) {
            delete[] m_slots;
            m_slots = std::exchange(other.m_slots, nullptr);
            m_count = std::exchange(other.m_count, 0);
        }
        return *this;
    }
    SlotArray(const SlotArray&) = delete;
    SlotArray& operator=(const SlotArray&) = delete;
    ~SlotArray() { delete[] m_slots; }

    size_t size() const { return m_count; }
    T& operator[](size_t index) { return m_slots[index]; }
    const T& operator[](size_t index) const { return m_slots[index]; }

private:
    SlotArray(T* slots, size_t count)
        : m_slots(slots)
        , m_count(count)
    {
    }

    T* m_slots { nullptr };
    size_t m_count { 0 };
};

} // namespace gehri::ipc

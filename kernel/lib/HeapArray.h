#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <new>
#include <utility>

namespace gehri {

// An owned array of `size` T on the kernel heap, freed with its owner; move-only. E.g. the
// collective services' per-agent storage (they work on Spans of it and are handed a bigger one
// when they fill, kernel/govern/Collective.cpp) and the initrd's index of files.
template<typename T>
class HeapArray {
public:
    HeapArray() = default;
    // OutOfMemory when the heap cannot supply it.
    static Result<HeapArray> create(size_t size)
    {
        T* data = new (std::nothrow) T[size];
        if (data == nullptr)
            return Error::OutOfMemory;
        return HeapArray(data, size);
    }
    HeapArray(HeapArray&& other)
        : m_data(std::exchange(other.m_data, nullptr))
        , m_size(std::exchange(other.m_size, 0))
    {
    }
    HeapArray& operator=(HeapArray&& other)
    {
        if (this != &other) {
            delete[] m_data;
            m_data = std::exchange(other.m_data, nullptr);
            m_size = std::exchange(other.m_size, 0);
        }
        return *this;
    }
    HeapArray(const HeapArray&) = delete;
    HeapArray& operator=(const HeapArray&) = delete;
    ~HeapArray() { delete[] m_data; }

    Span<T> span() const { return { m_data, m_size }; }
    size_t size() const { return m_size; }
    size_t bytes() const { return m_size * sizeof(T); }

private:
    HeapArray(T* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }

    T* m_data { nullptr };
    size_t m_size { 0 };
};

} // namespace gehri

#pragma once

#include <stddef.h>
#include <stdint.h>
#include <type_traits>

namespace gehri {

// A non-owning view of `size` contiguous objects. Slicing is bounds-checked and never
// walks off the end: an out-of-range slice is empty, so parsers cannot be tricked by
// a hostile length into reading past their input.
template<typename T>
class Span {
public:
    constexpr Span() = default;
    constexpr Span(T* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }
    template<size_t N>
    constexpr Span(T (&array)[N])
        : m_data(array)
        , m_size(N)
    {
    }
    // A Span<T> converts to a Span<const T>.
    template<typename U>
        requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>)
    constexpr Span(Span<U> other)
        : m_data(other.data())
        , m_size(other.size())
    {
    }

    constexpr T* data() const { return m_data; }
    constexpr size_t size() const { return m_size; }
    constexpr bool is_empty() const { return m_size == 0; }
    constexpr T& operator[](size_t index) const { return m_data[index]; }
    constexpr T* begin() const { return m_data; }
    constexpr T* end() const { return m_data + m_size; }

    constexpr Span first(size_t count) const { return { m_data, count < m_size ? count : m_size }; }

    // True when [offset, offset + length) lies inside the span; immune to overflow.
    constexpr bool contains_range(uint64_t offset, uint64_t length) const
    {
        return offset <= m_size && length <= m_size - offset;
    }
    // The sub-span [offset, offset + length), or an empty span if it is not inside.
    constexpr Span slice(uint64_t offset, uint64_t length) const
    {
        if (!contains_range(offset, length))
            return {};
        return { m_data + offset, static_cast<size_t>(length) };
    }
    constexpr Span slice(uint64_t offset) const
    {
        if (offset > m_size)
            return {};
        return { m_data + offset, m_size - static_cast<size_t>(offset) };
    }

private:
    T* m_data { nullptr };
    size_t m_size { 0 };
};

using ReadonlyBytes = Span<const uint8_t>;

} // namespace gehri

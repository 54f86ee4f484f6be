#pragma once

#include <stddef.h>
#include <type_traits>

namespace gehri {

// A non-owning view of caller-provided storage. The kernel has no general-purpose
// containers on hot paths: algorithms take their working memory as a Span instead.
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
    // A Span<T> converts to a Span<const T>, never the other way.
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

private:
    T* m_data { nullptr };
    size_t m_size { 0 };
};

} // namespace gehri

#pragma once

#include <kernel/lib/Error.h>
#include <new>
#include <type_traits>
#include <utility>

namespace gehri {

// Result<T> holds either a T or an Error. It is the single fallible return type of
// the system; propagate with TRY(expr), which yields the value or returns the error.
template<typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_has_value(true)
    {
        new (&m_storage) T(std::move(value));
    }
    Result(Error error)
        : m_error(error)
    {
    }
    Result(Result&& other)
        : m_has_value(other.m_has_value)
        , m_error(other.m_error)
    {
        if (m_has_value)
            new (&m_storage) T(std::move(other.value()));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&& other)
    {
        if (this != &other) {
            destroy();
            m_has_value = other.m_has_value;
            m_error = other.m_error;
            if (m_has_value)
                new (&m_storage) T(std::move(other.value()));
        }
        return *this;
    }
    ~Result() { destroy(); }

    bool is_ok() const { return m_has_value; }
    bool is_error() const { return !m_has_value; }
    Error error() const { return m_error; }

    T& value() { return *std::launder(reinterpret_cast<T*>(&m_storage)); }
    const T& value() const { return *std::launder(reinterpret_cast<const T*>(&m_storage)); }
    T release_value() { return std::move(value()); }
    T value_or(T fallback) const { return m_has_value ? value() : fallback; }

private:
    void destroy()
    {
        if (m_has_value)
            value().~T();
        m_has_value = false;
    }

    alignas(T) unsigned char m_storage[sizeof(T)];
    bool m_has_value { false };
    Error m_error { Error::InvalidArgument };
};

template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_has_error(true)
        , m_error(error)
    {
    }

    bool is_ok() const { return !m_has_error; }
    bool is_error() const { return m_has_error; }
    Error error() const { return m_error; }
    void release_value() { }

private:
    bool m_has_error { false };
    Error m_error { Error::InvalidArgument };
};

} // namespace gehri

// A statement expression cannot be written as a function: it must return from the caller.
#define TRY(expression)                                 \
    ({                                                  \
        auto _try_result = (expression);                \
        if (_try_result.is_error())                     \
            return _try_result.error();                 \
        _try_result.release_value();                    \
    })

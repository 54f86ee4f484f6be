#pragma once

#include <new>
#include <utility>

namespace gehri {

// Room for one T that may or may not be there. For members whose type can only be made by a
// fallible create() (no default constructor) and that appear later than their owner, e.g. the
// Tally of a proposal slot that is reused.
template<typename T>
class Optional {
public:
    Optional() = default;
    Optional(const Optional&) = delete;
    Optional& operator=(const Optional&) = delete;
    ~Optional() { reset(); }

    void emplace(T&& value)
    {
        reset();
        new (m_storage) T(std::move(value));
        m_has_value = true;
    }
    void reset()
    {
        if (m_has_value)
            value().~T();
        m_has_value = false;
    }

    bool has_value() const { return m_has_value; }
    T& value() { return *std::launder(reinterpret_cast<T*>(m_storage)); }
    const T& value() const { return *std::launder(reinterpret_cast<const T*>(m_storage)); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    alignas(T) unsigned char m_storage[sizeof(T)];
    bool m_has_value { false };
};

} // namespace gehri

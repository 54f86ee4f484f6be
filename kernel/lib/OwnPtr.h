#pragma once

#include <kernel/lib/Result.h>
#include <new>
#include <utility>

namespace gehri {

// Sole owner of one heap object: deleted when the OwnPtr dies. Move-only.
template<typename T>
class OwnPtr {
public:
    constexpr OwnPtr() = default;
    static OwnPtr adopt(T* object) { return OwnPtr(object); }

    OwnPtr(OwnPtr&& other)
        : m_object(other.leak())
    {
    }
    template<typename U>
        requires std::is_convertible_v<U*, T*>
    OwnPtr(OwnPtr<U>&& other)
        : m_object(other.leak())
    {
    }
    OwnPtr& operator=(OwnPtr&& other)
    {
        if (this != &other)
            reset(other.leak());
        return *this;
    }
    OwnPtr(const OwnPtr&) = delete;
    OwnPtr& operator=(const OwnPtr&) = delete;
    ~OwnPtr() { reset(); }

    void reset(T* object = nullptr)
    {
        T* old = m_object;
        m_object = object;
        delete old;
    }
    // Gives up ownership without deleting.
    [[nodiscard]] T* leak()
    {
        T* object = m_object;
        m_object = nullptr;
        return object;
    }

    T* get() const { return m_object; }
    T* operator->() const { return m_object; }
    T& operator*() const { return *m_object; }
    explicit operator bool() const { return m_object != nullptr; }

private:
    explicit OwnPtr(T* object)
        : m_object(object)
    {
    }

    T* m_object { nullptr };
};

// For the result of `new (std::nothrow) T(...)`: null becomes OutOfMemory. Classes with a
// private constructor use this inside their own create().
template<typename T>
Result<OwnPtr<T>> adopt_own_if_nonnull(T* object)
{
    if (object == nullptr)
        return Error::OutOfMemory;
    return OwnPtr<T>::adopt(object);
}

template<typename T, typename... Args>
Result<OwnPtr<T>> make_owned(Args&&... args)
{
    return adopt_own_if_nonnull(new (std::nothrow) T(std::forward<Args>(args)...));
}

} // namespace gehri

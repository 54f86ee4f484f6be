#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>
#include <utility>

namespace gehri::ipc {

// An intrusive, atomic reference count. A type T derives from RefCounted<T>; when the last
// reference goes, T::destroy(T*) runs if T declares one (variable-size objects that were not
// made by plain new), otherwise delete. Intrusive so that sharing costs no extra allocation.
template<typename T>
class RefCounted {
public:
    RefCounted() = default;
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    void ref() const { __atomic_fetch_add(&m_ref_count, 1, __ATOMIC_RELAXED); }
    void unref() const
    {
        // Release so that our writes happen before the destruction; acquire on the last one so
        // the destroyer sees everyone's writes.
        if (__atomic_fetch_sub(&m_ref_count, 1, __ATOMIC_ACQ_REL) != 1)
            return;
        T* self = const_cast<T*>(static_cast<const T*>(this));
        if constexpr (requires(T* object) { T::destroy(object); })
            T::destroy(self);
        else
            delete self;
    }
    uint32_t ref_count() const { return __atomic_load_n(&m_ref_count, __ATOMIC_RELAXED); }

protected:
    ~RefCounted() = default;

private:
    mutable uint32_t m_ref_count { 1 };
};

// A counted reference to a RefCounted object (or nothing).
template<typename T>
class RefPtr {
public:
    constexpr RefPtr() = default;
    // Takes over the reference the object was born with (count 1).
    static RefPtr adopt(T* object) { return RefPtr(object, Adopt {}); }

    explicit RefPtr(T& object)
        : m_object(&object)
    {
        object.ref();
    }
    RefPtr(const RefPtr& other)
        : m_object(other.m_object)
    {
        if (m_object)
            m_object->ref();
    }
    RefPtr(RefPtr&& other)
        : m_object(std::exchange(other.m_object, nullptr))
    {
    }
    RefPtr& operator=(RefPtr other)
    {
        std::swap(m_object, other.m_object);
        return *this;
    }
    ~RefPtr() { clear(); }

    void clear()
    {
        if (T* object = std::exchange(m_object, nullptr))
            object->unref();
    }

    T* get() const { return m_object; }
    T* operator->() const { return m_object; }
    T& operator*() const { return *m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    bool operator==(const RefPtr& other) const { return m_object == other.m_object; }

private:
    struct Adopt { };
    RefPtr(T* object, Adopt)
        : m_object(object)
    {
    }

    T* m_object { nullptr };
};

// For the result of `new (std::nothrow) T(...)`: null becomes OutOfMemory.
template<typename T>
Result<RefPtr<T>> adopt_ref_if_nonnull(T* object)
{
    if (object == nullptr)
        return Error::OutOfMemory;
    return RefPtr<T>::adopt(object);
}

} // namespace gehri::ipc

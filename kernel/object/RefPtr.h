#pragma once

#include <kernel/lib/Result.h>
#include <concepts>
#include <new>
#include <utility>

namespace gehri {

// Anything with an intrusive reference count: ref() adds one, unref() drops one and destroys
// the object when it was the last.
template<typename T>
concept RefCounted = requires(T& object) {
    object.ref();
    object.unref();
};

// A shared reference to a reference-counted object. Copying adds a reference, destruction
// drops one; the object goes away with its last reference.
template<typename T>
class RefPtr {
public:
    constexpr RefPtr() = default;
    constexpr RefPtr(decltype(nullptr)) { }

    // Takes over a reference the caller already holds (a new object starts with one).
    static RefPtr adopt(T& object) { return RefPtr(&object, AdoptTag {}); }

    // Adds a reference to an object someone else keeps alive.
    explicit RefPtr(T* object)
        : m_object(object)
    {
        if (m_object)
            m_object->ref();
    }
    RefPtr(const RefPtr& other)
        : RefPtr(other.m_object)
    {
    }
    RefPtr(RefPtr&& other)
        : m_object(other.leak_ref())
    {
    }
    template<typename U>
        requires std::is_convertible_v<U*, T*>
    RefPtr(const RefPtr<U>& other)
        : RefPtr(static_cast<T*>(other.get()))
    {
    }
    template<typename U>
        requires std::is_convertible_v<U*, T*>
    RefPtr(RefPtr<U>&& other)
        : m_object(other.leak_ref())
    {
    }
    RefPtr& operator=(const RefPtr& other)
    {
        RefPtr copy(other);
        swap(copy);
        return *this;
    }
    RefPtr& operator=(RefPtr&& other)
    {
        RefPtr moved(std::move(other));
        swap(moved);
        return *this;
    }
    ~RefPtr() { clear(); }

    void clear()
    {
        if (T* object = leak_ref())
            object->unref();
    }
    // Gives up the reference without dropping it; the caller now owns it.
    [[nodiscard]] T* leak_ref()
    {
        T* object = m_object;
        m_object = nullptr;
        return object;
    }
    void swap(RefPtr& other)
    {
        T* mine = m_object;
        m_object = other.m_object;
        other.m_object = mine;
    }

    T* get() const { return m_object; }
    T* operator->() const { return m_object; }
    T& operator*() const { return *m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    bool operator==(const RefPtr& other) const { return m_object == other.m_object; }

private:
    struct AdoptTag { };
    RefPtr(T* object, AdoptTag)
        : m_object(object)
    {
    }

    T* m_object { nullptr };
};

// For the result of `new (std::nothrow) T(...)` of a reference-counted T (which starts with
// one reference): null becomes OutOfMemory.
template<typename T>
Result<RefPtr<T>> adopt_ref_if_nonnull(T* object)
{
    if (object == nullptr)
        return Error::OutOfMemory;
    return RefPtr<T>::adopt(*object);
}

} // namespace gehri

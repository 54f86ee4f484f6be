#pragma once

#include <kernel/object/ObjectType.h>
#include <kernel/object/RefPtr.h>
#include <stdint.h>

namespace gehri::ipc {
class SignalSource;
}

namespace gehri::object {

// The base of everything a handle can name. Reference counted (intrusively, atomically):
// handle tables, running threads and kernel code each hold a RefPtr, and the object is
// destroyed when the last one goes. A new object starts with one reference, which its
// create() adopts into the RefPtr it returns.
//
// Concrete types declare `static constexpr ObjectType object_type`, which object_cast and the
// handle table's typed lookup compare against: no RTTI needed.
class KernelObject {
public:
    KernelObject(const KernelObject&) = delete;
    KernelObject& operator=(const KernelObject&) = delete;

    ObjectType type() const { return m_type; }

    void ref() const { __atomic_fetch_add(&m_reference_count, 1, __ATOMIC_RELAXED); }
    void unref() const
    {
        // Acquire-release: everything done through other references happens before the
        // destructor runs.
        if (__atomic_sub_fetch(&m_reference_count, 1, __ATOMIC_ACQ_REL) == 0)
            delete this;
    }
    // Adds a reference unless the count already reached 0 (the object is being destroyed):
    // for registries that can see an object while its last reference goes.
    [[nodiscard]] bool try_ref() const
    {
        uint32_t count = __atomic_load_n(&m_reference_count, __ATOMIC_RELAXED);
        while (count != 0) {
            if (__atomic_compare_exchange_n(&m_reference_count, &count, count + 1, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return true;
        }
        return false;
    }
    uint32_t reference_count() const { return __atomic_load_n(&m_reference_count, __ATOMIC_RELAXED); }

    // The signals a waiter can watch (WaitMany), or null for objects without any.
    virtual ipc::SignalSource* signal_source() { return nullptr; }

protected:
    explicit KernelObject(ObjectType type)
        : m_type(type)
    {
    }
    virtual ~KernelObject() = default;

private:
    mutable uint32_t m_reference_count { 1 };
    ObjectType m_type;
};

// The object as a T, or null if it is of another type.
template<typename T>
RefPtr<T> object_cast(const RefPtr<KernelObject>& object)
{
    if (!object || object->type() != T::object_type)
        return nullptr;
    return RefPtr<T>(static_cast<T*>(object.get()));
}

} // namespace gehri::object

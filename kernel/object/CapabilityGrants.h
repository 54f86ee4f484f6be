#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/lib/StringView.h>
#include <kernel/object/Handle.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {

// The named handles an agent's creator granted it at spawn ("blackboard:fire" -> a handle in
// its table), each taken once (BootstrapTake). Names are compared byte for byte.
class CapabilityGrants {
public:
    static constexpr size_t capacity = abi::max_capability_grants;
    static constexpr size_t max_name_length = abi::max_capability_name_length;

    // InvalidArgument for an empty or too long name, AlreadyExists for a name granted before
    // (even if taken since), OutOfRange when all `capacity` are used.
    Result<void> add(StringView name, HandleValue handle);
    // The handle granted under `name`, once: NotFound if none, or taken already.
    Result<HandleValue> take(StringView name);
    size_t count() const;

private:
    struct Entry {
        char name[max_name_length] {};
        uint8_t name_length { 0 };
        bool taken { false };
        HandleValue handle { invalid_handle };

        StringView name_view() const { return { name, name_length }; }
    };

    mutable Spinlock m_lock;
    Entry m_entries[capacity] {};
    size_t m_count { 0 };
};

} // namespace gehri::object

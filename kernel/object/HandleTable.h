#pragma once

#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/object/Handle.h>
#include <kernel/object/KernelObject.h>
#include <kernel/object/Rights.h>

namespace gehri::object {

// One agent's handles: which kernel objects it may use and with which rights. Every
// operation an agent performs on an object goes through a handle looked up here, in one
// place (get_object_with_rights), which checks that the handle is live, names an object of the
// required type and carries the required rights.
//
// Handle values (Handle.h) are an index and a generation. Each entry starts at a generation
// derived from the table's seed, so values differ between agents and runs; the generation
// advances on every close, and freed entries are reused first-in first-out, so a stale
// handle names the same object again only after its entry was reused 2^17 - 1 times.
//
// The entries are allocated as they are needed: initial_entries at first (most agents hold a
// handful of handles), doubling whenever all are in use, up to the capacity. An idle agent's
// table costs a few hundred bytes, not the whole capacity's.
//
// Thread-safe (one interrupt-safe lock). Objects are released outside the lock, so an
// object's destructor may take locks of its own.
class HandleTable {
public:
    static constexpr uint32_t index_bits = 15;
    static constexpr uint32_t generation_bits = 32 - index_bits;
    static constexpr uint32_t max_generation = (1u << generation_bits) - 1;
    static constexpr size_t max_capacity = size_t(1) << index_bits;
    static constexpr size_t default_capacity = 256;
    static constexpr size_t initial_entries = 16;

    // InvalidArgument for a capacity of 0 or above max_capacity; OutOfMemory.
    static Result<OwnPtr<HandleTable>> create(size_t capacity, uint64_t seed);
    ~HandleTable();
    HandleTable(const HandleTable&) = delete;
    HandleTable& operator=(const HandleTable&) = delete;

    // A new handle to `object` with `rights`. OutOfHandles when every entry is in use;
    // OutOfMemory when the table must grow and cannot; InvalidArgument for a null object.
    Result<HandleValue> add(RefPtr<KernelObject> object, Rights rights);
    // BadHandle if the handle is not live.
    Result<void> close(HandleValue handle);
    // A second handle to the same object with `rights`, which must be a subset of the
    // original's (AccessDenied otherwise, or if the original lacks Rights::Duplicate).
    Result<HandleValue> duplicate(HandleValue handle, Rights rights);

    // THE lookup: the object as a T if the handle is live (else BadHandle), names a T (else
    // WrongObjectType) and holds every right in `required` (else AccessDenied).
    template<typename T>
    Result<RefPtr<T>> get_object_with_rights(HandleValue handle, Rights required) const;

    // The object a live handle names, whatever its type, if it holds `required` (BadHandle,
    // AccessDenied): for calls that work on several kinds (waiting on signals).
    Result<RefPtr<KernelObject>> get_any_with_rights(HandleValue handle, Rights required) const;

    // Lifts handles out of the table for a transfer, all or none: every one must be live
    // (BadHandle), distinct (InvalidArgument) and hold `required` (AccessDenied). On success the
    // entries are closed and objects[i] / rights[i] carry each one's reference and rights.
    Result<void> take(const HandleValue* handles, size_t count, Rights required, KernelObject** objects, Rights* rights);

    // The rights a live handle carries (BadHandle otherwise).
    Result<Rights> rights_of(HandleValue handle) const;

    // Closes every handle (an agent's exit).
    void close_all();

    size_t count() const;
    size_t capacity() const { return m_capacity; }
    // Entries allocated so far (initial_entries .. capacity).
    size_t allocated_entries() const;

    static constexpr uint32_t index_of(HandleValue handle) { return handle & ((1u << index_bits) - 1); }
    static constexpr uint32_t generation_of(HandleValue handle) { return handle >> index_bits; }
    static constexpr HandleValue make_handle(uint32_t index, uint32_t generation) { return (generation << index_bits) | index; }

private:
    struct Entry {
        KernelObject* object { nullptr }; // holds one reference while the entry is live
        Rights rights { Rights::None };
        uint32_t generation { 1 };
        uint32_t next_free { 0 };
    };
    static constexpr uint32_t no_entry = ~uint32_t(0);

    HandleTable(Entry* entries, size_t allocated, size_t capacity, uint64_t seed);
    // Lock held: entries [m_allocated, new_allocated) of m_entries become free.
    void add_free_entries(size_t new_allocated);
    // Doubles the entries if none is free (OutOfHandles at the capacity, OutOfMemory).
    Result<void> grow();
    // Lock held. The live entry a handle names, or null.
    const Entry* live_entry(HandleValue handle) const;
    Entry* live_entry(HandleValue handle);
    // Lock held.
    void push_free(uint32_t index);
    uint32_t pop_free();
    // The object a live handle of `type` with `required` names, with a reference taken for the
    // caller to adopt (a bare pointer: no reference-counted temporaries on every system call).
    Result<KernelObject*> take_checked(HandleValue handle, ObjectType type, Rights required) const;

    mutable Spinlock m_lock;
    Entry* m_entries;
    size_t m_allocated { 0 };
    size_t m_capacity;
    uint64_t m_seed;
    size_t m_count { 0 };
    uint32_t m_free_head { no_entry };
    uint32_t m_free_tail { no_entry };
};

template<typename T>
Result<RefPtr<T>> HandleTable::get_object_with_rights(HandleValue handle, Rights required) const
{
    auto object = take_checked(handle, T::object_type, required);
    if (object.is_error())
        return object.error();
    return RefPtr<T>::adopt(*static_cast<T*>(object.value()));
}

} // namespace gehri::object

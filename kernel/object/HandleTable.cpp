#include <kernel/object/HandleTable.h>

namespace gehri::object {

namespace {

// SplitMix64: decorrelates the starting generations of neighbouring entries and tables.
uint64_t mix(uint64_t value)
{
    value += 0x9e3779b97f4a7c15ull;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
    return value ^ (value >> 31);
}

uint32_t next_generation(uint32_t generation)
{
    // Generation 0 never occurs, so no handle value is 0.
    return generation >= HandleTable::max_generation ? 1 : generation + 1;
}

} // namespace

Result<OwnPtr<HandleTable>> HandleTable::create(size_t capacity, uint64_t seed)
{
    if (capacity == 0 || capacity > max_capacity)
        return Error::InvalidArgument;
    size_t allocated = capacity < initial_entries ? capacity : initial_entries;
    auto* entries = new (std::nothrow) Entry[allocated];
    if (entries == nullptr)
        return Error::OutOfMemory;
    auto table = adopt_own_if_nonnull(new (std::nothrow) HandleTable(entries, allocated, capacity, seed));
    if (table.is_error())
        delete[] entries;
    return table;
}

HandleTable::HandleTable(Entry* entries, size_t allocated, size_t capacity, uint64_t seed)
    : m_entries(entries)
    , m_capacity(capacity)
    , m_seed(seed)
{
    add_free_entries(allocated);
}

void HandleTable::add_free_entries(size_t new_allocated)
{
    for (uint32_t index = static_cast<uint32_t>(m_allocated); index < new_allocated; ++index) {
        m_entries[index].generation = uint32_t(mix(m_seed ^ index) % max_generation) + 1;
        push_free(index);
    }
    m_allocated = new_allocated;
}

Result<void> HandleTable::grow()
{
    size_t wanted;
    {
        InterruptSafeGuard guard(m_lock);
        if (m_free_head != no_entry)
            return {};
        if (m_allocated == m_capacity)
            return Error::OutOfHandles;
        wanted = m_allocated * 2 < m_capacity ? m_allocated * 2 : m_capacity;
    }
    // Allocated outside the lock; whoever grew the table meanwhile makes this one unneeded.
    auto* bigger = new (std::nothrow) Entry[wanted];
    if (bigger == nullptr)
        return Error::OutOfMemory;
    Entry* unused = bigger;
    {
        InterruptSafeGuard guard(m_lock);
        if (m_allocated < wanted) {
            for (size_t i = 0; i < m_allocated; ++i)
                bigger[i] = m_entries[i];
            unused = m_entries;
            m_entries = bigger;
            add_free_entries(wanted);
        }
    }
    delete[] unused;
    return {};
}

HandleTable::~HandleTable()
{
    close_all();
    delete[] m_entries;
}

void HandleTable::push_free(uint32_t index)
{
    m_entries[index].next_free = no_entry;
    if (m_free_tail == no_entry)
        m_free_head = index;
    else
        m_entries[m_free_tail].next_free = index;
    m_free_tail = index;
}

uint32_t HandleTable::pop_free()
{
    uint32_t index = m_free_head;
    if (index == no_entry)
        return no_entry;
    m_free_head = m_entries[index].next_free;
    if (m_free_head == no_entry)
        m_free_tail = no_entry;
    return index;
}

const HandleTable::Entry* HandleTable::live_entry(HandleValue handle) const
{
    uint32_t index = index_of(handle);
    if (index >= m_allocated)
        return nullptr;
    const Entry& entry = m_entries[index];
    if (entry.object == nullptr || entry.generation != generation_of(handle))
        return nullptr;
    return &entry;
}

HandleTable::Entry* HandleTable::live_entry(HandleValue handle)
{
    return const_cast<Entry*>(static_cast<const HandleTable*>(this)->live_entry(handle));
}

Result<HandleValue> HandleTable::add(RefPtr<KernelObject> object, Rights rights)
{
    if (!object)
        return Error::InvalidArgument;
    for (;;) {
        {
            InterruptSafeGuard guard(m_lock);
            uint32_t index = pop_free();
            if (index != no_entry) {
                Entry& entry = m_entries[index];
                entry.object = object.leak_ref();
                entry.rights = rights;
                ++m_count;
                return make_handle(index, entry.generation);
            }
        }
        TRY(grow());
    }
}

Result<void> HandleTable::close(HandleValue handle)
{
    KernelObject* released = nullptr;
    {
        InterruptSafeGuard guard(m_lock);
        Entry* entry = live_entry(handle);
        if (entry == nullptr)
            return Error::BadHandle;
        released = entry->object;
        entry->object = nullptr;
        entry->rights = Rights::None;
        entry->generation = next_generation(entry->generation);
        push_free(index_of(handle));
        --m_count;
    }
    released->unref();
    return {};
}

Result<HandleValue> HandleTable::duplicate(HandleValue handle, Rights rights)
{
    RefPtr<KernelObject> object;
    {
        InterruptSafeGuard guard(m_lock);
        const Entry* entry = live_entry(handle);
        if (entry == nullptr)
            return Error::BadHandle;
        if (!has_rights(entry->rights, Rights::Duplicate) || !has_rights(entry->rights, rights))
            return Error::AccessDenied;
        object = RefPtr<KernelObject>(entry->object);
    }
    return add(std::move(object), rights);
}

Result<KernelObject*> HandleTable::take_checked(HandleValue handle, ObjectType type, Rights required) const
{
    // Checked under the lock, so a refused lookup takes no reference (and drops none).
    InterruptSafeGuard guard(m_lock);
    const Entry* entry = live_entry(handle);
    if (entry == nullptr)
        return Error::BadHandle;
    if (entry->object->type() != type)
        return Error::WrongObjectType;
    if (!has_rights(entry->rights, required))
        return Error::AccessDenied;
    entry->object->ref();
    return entry->object;
}

Result<RefPtr<KernelObject>> HandleTable::get_any_with_rights(HandleValue handle, Rights required) const
{
    InterruptSafeGuard guard(m_lock);
    const Entry* entry = live_entry(handle);
    if (entry == nullptr)
        return Error::BadHandle;
    if (!has_rights(entry->rights, required))
        return Error::AccessDenied;
    return RefPtr<KernelObject>(entry->object);
}

Result<void> HandleTable::take(const HandleValue* handles, size_t count, Rights required, KernelObject** objects, Rights* rights)
{
    InterruptSafeGuard guard(m_lock);
    // Check everything first, so that a refusal leaves the table as it was.
    for (size_t i = 0; i < count; ++i) {
        const Entry* entry = live_entry(handles[i]);
        if (entry == nullptr)
            return Error::BadHandle;
        if (!has_rights(entry->rights, required))
            return Error::AccessDenied;
        for (size_t j = 0; j < i; ++j) {
            if (handles[j] == handles[i])
                return Error::InvalidArgument;
        }
    }
    for (size_t i = 0; i < count; ++i) {
        Entry& entry = *live_entry(handles[i]);
        objects[i] = entry.object; // the entry's reference moves to the caller
        rights[i] = entry.rights;
        entry.object = nullptr;
        entry.rights = Rights::None;
        entry.generation = next_generation(entry.generation);
        push_free(index_of(handles[i]));
        --m_count;
    }
    return {};
}

Result<Rights> HandleTable::rights_of(HandleValue handle) const
{
    InterruptSafeGuard guard(m_lock);
    const Entry* entry = live_entry(handle);
    if (entry == nullptr)
        return Error::BadHandle;
    return entry->rights;
}

void HandleTable::close_all()
{
    for (uint32_t index = 0;; ++index) {
        KernelObject* released = nullptr;
        {
            InterruptSafeGuard guard(m_lock);
            if (index >= m_allocated)
                return;
            Entry& entry = m_entries[index];
            if (entry.object == nullptr)
                continue;
            released = entry.object;
            entry.object = nullptr;
            entry.rights = Rights::None;
            entry.generation = next_generation(entry.generation);
            push_free(index);
            --m_count;
        }
        released->unref();
    }
}

size_t HandleTable::count() const
{
    InterruptSafeGuard guard(m_lock);
    return m_count;
}

size_t HandleTable::allocated_entries() const
{
    InterruptSafeGuard guard(m_lock);
    return m_allocated;
}

} // namespace gehri::object

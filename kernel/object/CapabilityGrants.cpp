#include <kernel/object/CapabilityGrants.h>

namespace gehri::object {

Result<void> CapabilityGrants::add(StringView name, HandleValue handle)
{
    if (name.is_empty() || name.length() > max_name_length || handle == invalid_handle)
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    for (size_t i = 0; i < m_count; ++i) {
        if (m_entries[i].name_view() == name)
            return Error::AlreadyExists;
    }
    if (m_count == capacity)
        return Error::OutOfRange;
    Entry& entry = m_entries[m_count++];
    for (size_t i = 0; i < name.length(); ++i)
        entry.name[i] = name[i];
    entry.name_length = static_cast<uint8_t>(name.length());
    entry.handle = handle;
    return {};
}

Result<HandleValue> CapabilityGrants::take(StringView name)
{
    InterruptSafeGuard guard(m_lock);
    for (size_t i = 0; i < m_count; ++i) {
        Entry& entry = m_entries[i];
        if (entry.name_view() != name)
            continue;
        if (entry.taken)
            return Error::NotFound;
        entry.taken = true;
        return entry.handle;
    }
    return Error::NotFound;
}

size_t CapabilityGrants::count() const
{
    InterruptSafeGuard guard(m_lock);
    return m_count;
}

} // namespace gehri::object

#include <kernel/ipc/WaitSet.h>
#include <new>

namespace gehri::ipc {

void WaitSetEntry::on_signals_changed(Signals current, bool source_gone)
{
    m_set.on_entry_changed(*this, current, source_gone);
}

Result<OwnPtr<WaitSet>> WaitSet::create() { return adopt_own_if_nonnull(new (std::nothrow) WaitSet); }

WaitSet::~WaitSet()
{
    for (;;) {
        WaitSetEntry* entry;
        {
            InterruptSafeGuard guard(m_lock);
            entry = m_entries.first();
        }
        if (!entry)
            break;
        remove_entry(*entry);
    }
}

WaitSetEntry* WaitSet::find_locked(uint64_t key)
{
    WaitSetEntry* found = nullptr;
    m_entries.for_each([&](WaitSetEntry& entry) {
        if (entry.m_key == key)
            found = &entry;
    });
    return found;
}

Result<void> WaitSet::add(SignalSource& source, uint64_t key, Signals interest)
{
    if ((interest & signal::all) == 0 || &source == &m_source)
        return Error::InvalidArgument;
    auto entry = TRY(make_owned<WaitSetEntry>(*this, source, key, interest & signal::all));
    {
        InterruptSafeGuard guard(m_lock);
        if (find_locked(key))
            return Error::AlreadyExists;
        m_entries.append(*entry);
    }
    // Outside our lock: the source calls back into on_entry_changed, which takes it.
    source.add_observer(*entry.leak());
    return {};
}

Result<void> WaitSet::remove(uint64_t key)
{
    WaitSetEntry* entry;
    {
        InterruptSafeGuard guard(m_lock);
        entry = find_locked(key);
        if (!entry || entry->m_removed)
            return Error::NotFound;
    }
    remove_entry(*entry);
    return {};
}

void WaitSet::remove_entry(WaitSetEntry& entry)
{
    SignalSource* source;
    {
        InterruptSafeGuard guard(m_lock);
        entry.m_removed = true;
        m_entries.remove(entry);
        if (entry.m_ready_node.is_linked())
            m_ready.remove(entry);
        update_readable_locked();
        source = entry.m_source;
    }
    // The source's lock is taken without ours (lock order). A notification racing with this
    // sees m_removed and does nothing; after remove_observer returns none can come.
    if (source)
        source->remove_observer(entry);
    OwnPtr<WaitSetEntry>::adopt(&entry).reset();
}

void WaitSet::on_entry_changed(WaitSetEntry& entry, Signals current, bool source_gone)
{
    InterruptSafeGuard guard(m_lock);
    if (source_gone) {
        entry.m_source = nullptr;
        entry.m_source_gone = true;
    }
    if (entry.m_removed)
        return;
    entry.m_observed = current & entry.interest();
    bool ready = entry.m_observed != 0 || entry.m_source_gone;
    if (ready && !entry.m_ready_node.is_linked())
        m_ready.append(entry);
    else if (!ready && entry.m_ready_node.is_linked())
        m_ready.remove(entry);
    update_readable_locked();
}

void WaitSet::update_readable_locked()
{
    if (m_ready.is_empty())
        m_source.update_locked(signal::none, signal::readable);
    else
        m_source.update_locked(signal::readable, signal::none);
}

size_t WaitSet::collect(Span<Ready> out)
{
    InterruptSafeGuard guard(m_lock);
    size_t count = 0;
    size_t available = m_ready.size();
    while (count < out.size() && count < available) {
        WaitSetEntry* entry = m_ready.pop_first();
        out[count++] = { entry->m_key, entry->m_observed, entry->m_source_gone };
        m_ready.append(*entry);
    }
    return count;
}

size_t WaitSet::ready_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_ready.size();
}

size_t WaitSet::entry_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_entries.size();
}

} // namespace gehri::ipc

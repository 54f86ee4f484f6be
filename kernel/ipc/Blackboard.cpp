#include <kernel/ipc/Blackboard.h>
#include <new>

namespace gehri::ipc {

Result<RefPtr<Blackboard>> Blackboard::create(BlackboardLimits limits)
{
    if (limits.max_key_bytes == 0 || limits.max_key_bytes > max_message_bytes || limits.max_value_bytes > max_message_bytes
        || limits.per_agent_quota_bytes == 0 || limits.max_entries == 0 || limits.max_watch_events == 0)
        return Error::InvalidArgument;
    auto table = TRY(EntryTable::create());
    return adopt_ref_if_nonnull(new (std::nothrow) Blackboard(limits, std::move(table)));
}

Blackboard::~Blackboard()
{
    // Every watch holds a reference to the board, so none can be left.
    while (m_watches.pop_first()) { }
}

Result<void> Blackboard::check_key(StringView key) const
{
    if (key.is_empty())
        return Error::InvalidArgument;
    if (key.length() > m_limits.max_key_bytes)
        return Error::TooLarge;
    return {};
}

Result<BlackboardValue> Blackboard::get(StringView key)
{
    TRY(check_key(key));
    uint64_t hash = EntryTable::hash(key);
    InterruptSafeGuard guard(m_lock);
    BlackboardEntry* entry = m_table.find(key, hash);
    if (!entry)
        return Error::NotFound;
    return BlackboardValue { entry->value, entry->version, entry->created_version, entry->writer, entry->time_ns };
}

Result<uint64_t> Blackboard::put(AgentId writer, uint64_t now_ns, StringView key, ReadonlyBytes value)
{
    if (value.size() > m_limits.max_value_bytes)
        return Error::TooLarge;
    // The copy happens before the lock, so the lock is never held across a long memcpy.
    auto payload = TRY(Payload::create(value));
    return store(writer, now_ns, key, any_version, std::move(payload));
}

Result<uint64_t> Blackboard::put(AgentId writer, uint64_t now_ns, StringView key, PayloadRef value)
{
    return store(writer, now_ns, key, any_version, std::move(value));
}

Result<uint64_t> Blackboard::compare_and_swap(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected, PayloadRef value)
{
    if (expected == any_version)
        return Error::InvalidArgument;
    return store(writer, now_ns, key, expected, std::move(value));
}

Result<uint64_t> Blackboard::store(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected, PayloadRef value)
{
    TRY(check_key(key));
    if (!value || !value->handles().is_empty())
        return Error::InvalidArgument;
    if (value->size() > m_limits.max_value_bytes)
        return Error::TooLarge;
    uint64_t hash = EntryTable::hash(key);
    uint64_t cost = key.length() + value->size() + entry_overhead;
    PayloadRef replaced; // freed after the lock
    InterruptSafeGuard guard(m_lock);
    BlackboardEntry* entry = m_table.find(key, hash);
    if (expected != any_version && (entry ? entry->version : 0) != expected)
        return Error::VersionMismatch;
    if (entry) {
        TRY(m_ledger.recharge(entry->writer, entry->charge, writer, cost));
        replaced = std::move(entry->value);
    } else {
        if (m_table.size() >= m_limits.max_entries)
            return Error::QuotaExceeded;
        auto new_entry = TRY(make_owned<BlackboardEntry>());
        new_entry->key = TRY(Payload::create({ reinterpret_cast<const uint8_t*>(key.characters()), key.length() }));
        new_entry->hash = hash;
        TRY(m_ledger.recharge(writer, 0, writer, cost));
        new_entry->created_version = m_revision + 1;
        entry = new_entry.get();
        m_table.insert(std::move(new_entry));
    }
    entry->value = std::move(value);
    entry->version = ++m_revision;
    entry->writer = writer;
    entry->time_ns = now_ns;
    entry->charge = cost;
    notify_locked(WatchEventKind::Put, *entry, writer, entry->version, now_ns);
    return entry->version;
}

Result<uint64_t> Blackboard::remove(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected)
{
    TRY(check_key(key));
    uint64_t hash = EntryTable::hash(key);
    OwnPtr<BlackboardEntry> removed; // freed after the lock
    InterruptSafeGuard guard(m_lock);
    BlackboardEntry* entry = m_table.find(key, hash);
    if (!entry)
        return Error::NotFound;
    if (expected != any_version && entry->version != expected)
        return Error::VersionMismatch;
    m_ledger.release(entry->writer, entry->charge);
    uint64_t version = ++m_revision;
    notify_locked(WatchEventKind::Delete, *entry, writer, version, now_ns);
    removed = m_table.remove(*entry);
    return version;
}

void Blackboard::notify_locked(WatchEventKind kind, const BlackboardEntry& entry, AgentId writer, uint64_t version, uint64_t now_ns)
{
    if (m_watches.is_empty())
        return;
    StringView key = entry.key_view();
    WatchEvent event { kind, version, writer, now_ns, entry.key };
    m_watches.for_each([&](Watch& watch) {
        if (watch.matches(key))
            watch.push_locked(event);
    });
}

Result<OwnPtr<Watch>> Blackboard::watch(WatchScope scope, StringView pattern, uint32_t capacity)
{
    if (capacity == 0 || capacity > m_limits.max_watch_events)
        return Error::InvalidArgument;
    if (scope != WatchScope::Key && scope != WatchScope::Prefix)
        return Error::InvalidArgument;
    if (scope == WatchScope::Key)
        TRY(check_key(pattern));
    else if (pattern.length() > m_limits.max_key_bytes)
        return Error::TooLarge;
    auto pattern_bytes = TRY(Payload::create({ reinterpret_cast<const uint8_t*>(pattern.characters()), pattern.length() }));
    auto events = TRY(SlotArray<WatchEvent>::create(capacity));
    auto watch = TRY(adopt_own_if_nonnull(new (std::nothrow) Watch(RefPtr<Blackboard>(*this), scope, std::move(pattern_bytes), std::move(events))));
    InterruptSafeGuard guard(m_lock);
    if (m_watches.size() >= m_limits.max_watches)
        return Error::QuotaExceeded; // the watch dies after the guard: it never joined
    m_watches.append(*watch);
    return watch;
}

void Blackboard::unregister(Watch& watch)
{
    InterruptSafeGuard guard(m_lock);
    if (watch.m_node.is_linked())
        m_watches.remove(watch);
}

uint64_t Blackboard::revision()
{
    InterruptSafeGuard guard(m_lock);
    return m_revision;
}

size_t Blackboard::entry_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_table.size();
}

uint64_t Blackboard::usage(AgentId agent)
{
    InterruptSafeGuard guard(m_lock);
    return m_ledger.usage(agent);
}

} // namespace gehri::ipc

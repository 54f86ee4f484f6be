#include <kernel/ipc/EntryTable.h>
#include <utility>

namespace gehri::ipc {

Result<EntryTable> EntryTable::create()
{
    EntryTable table;
    table.m_buckets = TRY(SlotArray<BlackboardEntry*>::create(initial_buckets));
    for (size_t i = 0; i < initial_buckets; ++i)
        table.m_buckets[i] = nullptr;
    return table;
}

EntryTable::EntryTable(EntryTable&& other)
    : m_buckets(std::move(other.m_buckets))
    , m_size(std::exchange(other.m_size, 0))
{
}

EntryTable::~EntryTable()
{
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        while (BlackboardEntry* entry = m_buckets[i]) {
            m_buckets[i] = entry->next;
            OwnPtr<BlackboardEntry>::adopt(entry).reset();
        }
    }
}

// FNV-1a: simple, no tables, good enough spread for keys chosen by cooperating agents (a hostile
// agent can only lengthen chains on boards it writes to, bounded by its quota).
uint64_t EntryTable::hash(StringView key)
{
    uint64_t value = 0xcbf29ce484222325ull;
    for (char c : key) {
        value ^= static_cast<uint8_t>(c);
        value *= 0x100000001b3ull;
    }
    return value;
}

BlackboardEntry* EntryTable::find(StringView key, uint64_t hash) const
{
    if (m_buckets.size() == 0)
        return nullptr;
    for (BlackboardEntry* entry = m_buckets[hash & (m_buckets.size() - 1)]; entry; entry = entry->next) {
        if (entry->hash == hash && entry->key_view() == key)
            return entry;
    }
    return nullptr;
}

void EntryTable::insert(OwnPtr<BlackboardEntry> owned)
{
    if (m_size >= m_buckets.size())
        grow();
    BlackboardEntry* entry = owned.leak();
    size_t index = entry->hash & (m_buckets.size() - 1);
    entry->next = m_buckets[index];
    m_buckets[index] = entry;
    ++m_size;
}

OwnPtr<BlackboardEntry> EntryTable::remove(BlackboardEntry& entry)
{
    BlackboardEntry** link = &m_buckets[entry.hash & (m_buckets.size() - 1)];
    while (*link != &entry)
        link = &(*link)->next;
    *link = entry.next;
    entry.next = nullptr;
    --m_size;
    return OwnPtr<BlackboardEntry>::adopt(&entry);
}

void EntryTable::grow()
{
    size_t new_count = m_buckets.size() * 2;
    auto created = SlotArray<BlackboardEntry*>::create(new_count);
    if (created.is_error())
        return;
    SlotArray<BlackboardEntry*> buckets = created.release_value();
    for (size_t i = 0; i < new_count; ++i)
        buckets[i] = nullptr;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        while (BlackboardEntry* entry = m_buckets[i]) {
            m_buckets[i] = entry->next;
            size_t index = entry->hash & (new_count - 1);
            entry->next = buckets[index];
            buckets[index] = entry;
        }
    }
    m_buckets = std::move(buckets);
}

} // namespace gehri::ipc

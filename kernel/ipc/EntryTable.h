#pragma once

#include <kernel/ipc/BlackboardEntry.h>
#include <kernel/ipc/SlotArray.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>

namespace gehri::ipc {

// A chained hash table of blackboard entries that owns them. It doubles its bucket array when
// the load passes 1; if that allocation fails it just keeps the longer chains, so growth never
// turns into an error for the caller. Not synchronized: the blackboard's lock guards it.
class EntryTable {
public:
    static constexpr size_t initial_buckets = 16;

    EntryTable() = default;
    // With its first bucket array, so insert always has somewhere to go. OutOfMemory.
    static Result<EntryTable> create();
    EntryTable(EntryTable&& other);
    ~EntryTable();
    EntryTable& operator=(EntryTable&&) = delete;
    EntryTable(const EntryTable&) = delete;
    EntryTable& operator=(const EntryTable&) = delete;

    static uint64_t hash(StringView key);

    BlackboardEntry* find(StringView key, uint64_t hash) const;
    // Takes ownership. The key must not be present; the table must come from create().
    void insert(OwnPtr<BlackboardEntry> entry);
    // Unlinks and returns ownership. The entry must be present.
    OwnPtr<BlackboardEntry> remove(BlackboardEntry& entry);
    size_t size() const { return m_size; }
    size_t bucket_count() const { return m_buckets.size(); }

private:
    void grow();

    SlotArray<BlackboardEntry*> m_buckets;
    size_t m_size { 0 };
};

} // namespace gehri::ipc

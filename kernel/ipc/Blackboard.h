#pragma once

#include <kernel/ipc/EntryTable.h>
#include <kernel/ipc/QuotaLedger.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/Watch.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/lib/StringView.h>

namespace gehri::ipc {

struct BlackboardLimits {
    uint32_t max_key_bytes { 256 };
    uint32_t max_value_bytes { static_cast<uint32_t>(max_message_bytes) };
    uint64_t per_agent_quota_bytes { 1024 * 1024 };
    uint32_t max_entries { 65536 };
    uint32_t max_watches { 1024 };
    uint32_t max_watch_events { 1024 }; // per watch
};

// What get() returns: the value (shared, not copied) and its bookkeeping.
struct BlackboardValue {
    PayloadRef value;
    uint64_t version;
    uint64_t created_version;
    AgentId writer;
    uint64_t time_ns;
};

// A versioned key/value space shared by the agents that hold its handle (think etcd, in the
// kernel). Every change bumps the board's revision and stamps the entry with it, so versions are
// unique and ordered across keys; compare-and-swap on a version gives optimistic transactions.
// Each entry remembers who wrote it and when (time comes from the caller: the kernel's clock).
// Every entry is charged key + value + entry_overhead bytes to its last writer, against a
// per-agent quota. Watches on a key or prefix collect put/delete events.
class Blackboard final : public RefCounted<Blackboard> {
public:
    static constexpr uint64_t entry_overhead = 64; // so empty values are not free
    static constexpr uint64_t any_version = UINT64_MAX;

    // InvalidArgument for zero limits or values beyond the message limit; OutOfMemory.
    static Result<RefPtr<Blackboard>> create(BlackboardLimits limits = {});
    ~Blackboard();

    // NotFound if absent; InvalidArgument/TooLarge for a bad key.
    Result<BlackboardValue> get(StringView key);
    // Creates or replaces; returns the new version. TooLarge for a key or value past the limits;
    // QuotaExceeded past the writer's quota or the entry limit; OutOfMemory.
    Result<uint64_t> put(AgentId writer, uint64_t now_ns, StringView key, ReadonlyBytes value);
    Result<uint64_t> put(AgentId writer, uint64_t now_ns, StringView key, PayloadRef value);
    // put() only if the key's version is `expected` (0: only if the key does not exist).
    // VersionMismatch otherwise, and nothing changes.
    Result<uint64_t> compare_and_swap(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected, PayloadRef value);
    // Deletes; with `expected` other than any_version, only at that version (VersionMismatch).
    // NotFound if absent. Returns the revision of the deletion.
    Result<uint64_t> remove(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected = any_version);

    // InvalidArgument for a bad capacity (0 or past max_watch_events) or an empty Key pattern;
    // TooLarge for a pattern longer than a key; QuotaExceeded past max_watches; OutOfMemory.
    Result<OwnPtr<Watch>> watch(WatchScope scope, StringView pattern, uint32_t capacity);

    uint64_t revision();
    size_t entry_count();
    uint64_t usage(AgentId agent);
    const BlackboardLimits& limits() const { return m_limits; }

private:
    friend class Watch;
    explicit Blackboard(BlackboardLimits limits, EntryTable table)
        : m_limits(limits)
        , m_table(std::move(table))
        , m_ledger(limits.per_agent_quota_bytes)
    {
    }
    Result<void> check_key(StringView key) const;
    Result<uint64_t> store(AgentId writer, uint64_t now_ns, StringView key, uint64_t expected, PayloadRef value);
    void notify_locked(WatchEventKind kind, const BlackboardEntry& entry, AgentId writer, uint64_t version, uint64_t now_ns);
    void unregister(Watch& watch);

    Spinlock m_lock; // declared first: watches' signal sources borrow it
    BlackboardLimits m_limits;
    EntryTable m_table;
    QuotaLedger m_ledger;
    uint64_t m_revision { 0 };
    sched::IntrusiveList<Watch, &Watch::m_node> m_watches;
};

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/SignalSource.h>
#include <kernel/ipc/WaitSetEntry.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::ipc {

// Watches many signal sources at once and keeps, ready to hand out, the ones whose signals meet
// the caller's interest: the portable heart of "wait on many handles" (like a Zircon port or
// epoll, level-triggered). It is itself a signal source, readable while anything is ready, so
// the blocking layer sleeps on it with one observer and a scheduler WaitQueue.
//
// Contract: a registered source stays alive until its entry is removed (the object layer holds
// a reference for it); if a source dies anyway, its entry turns ready with source_gone set.
// Lock order: source's lock, then the wait set's lock, then its own observers' locks. A wait
// set must therefore not observe itself, directly or through a cycle.
class WaitSet {
public:
    struct Ready {
        uint64_t key;
        Signals signals;  // the interesting bits that are up
        bool source_gone; // the source died while registered
    };

    static Result<OwnPtr<WaitSet>> create();
    ~WaitSet();
    WaitSet(const WaitSet&) = delete;
    WaitSet& operator=(const WaitSet&) = delete;

    // InvalidArgument for an empty interest or the set itself; AlreadyExists for a key in use;
    // OutOfMemory.
    Result<void> add(SignalSource& source, uint64_t key, Signals interest);
    // NotFound for an unknown key.
    Result<void> remove(uint64_t key);

    // Fills `out` with ready entries (at most out.size()) and returns how many. Reported entries
    // move to the back, so a busy source cannot starve the others across calls.
    size_t collect(Span<Ready> out);
    size_t ready_count();
    size_t entry_count();

    SignalSource& signal_source() { return m_source; }

private:
    friend class WaitSetEntry;
    WaitSet() = default;
    WaitSetEntry* find_locked(uint64_t key);
    void remove_entry(WaitSetEntry& entry);
    void on_entry_changed(WaitSetEntry& entry, Signals current, bool source_gone);
    void update_readable_locked();

    Spinlock m_lock; // declared before m_source: the source borrows it and must die first
    SignalSource m_source { m_lock };
    // Lookup by key walks m_entries: registration is not the hot path; readiness is O(1).
    sched::IntrusiveList<WaitSetEntry, &WaitSetEntry::m_all_node> m_entries;
    sched::IntrusiveList<WaitSetEntry, &WaitSetEntry::m_ready_node> m_ready;
};

} // namespace gehri::ipc

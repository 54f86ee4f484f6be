#pragma once

#include <kernel/ipc/SignalObserver.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::ipc {

// The signal bits of one IPC object and the observers watching them. It borrows the owning
// object's lock (a channel's two endpoints share one), so an operation that changes state and
// signals takes a single lock. Lock order: object lock, then whatever observers take.
class SignalSource {
public:
    explicit SignalSource(Spinlock& lock, Signals initial = signal::none)
        : m_lock(lock)
        , m_signals(initial)
    {
    }
    SignalSource(const SignalSource&) = delete;
    SignalSource& operator=(const SignalSource&) = delete;
    // Tells every remaining observer that the source is gone (a safety net: the object layer
    // keeps a source alive while anything observes it). The owner must not hold the lock, and
    // must declare the lock before the source so the lock outlives it.
    ~SignalSource();

    // A lock-free snapshot, for polling; it may be stale by the time it is read.
    Signals signals() const { return __atomic_load_n(&m_signals, __ATOMIC_ACQUIRE); }

    // With the owner's lock held: sets the bits to `(current & ~clear) | set` and notifies the
    // observers whose interest covers a bit that changed.
    // Inline: most operations change nothing, and that check is on every message's path.
    void update_locked(Signals set, Signals clear)
    {
        Signals new_signals = (m_signals & ~clear) | set;
        if (new_signals != m_signals)
            publish_locked(new_signals);
    }

    // Starts watching and, under the same lock, calls the observer once with the current bits,
    // so it cannot miss a level that was already up nor see a stale one after a newer change.
    // The observer must not be observing anything else.
    void add_observer(SignalObserver& observer);
    // Stops watching; once it returns, the observer is never called again. Returns false if the
    // observer was not attached. The source must still be alive.
    bool remove_observer(SignalObserver& observer);
    size_t observer_count();
    // With the owner's lock held: how many observers watch (a change nobody but the owner's
    // own observer would see can take a shortcut).
    size_t observer_count_locked() const { return m_observers.size(); }

private:
    void publish_locked(Signals new_signals);

    Spinlock& m_lock;
    Signals m_signals;
    sched::IntrusiveList<SignalObserver, &SignalObserver::m_node> m_observers;
};

} // namespace gehri::ipc

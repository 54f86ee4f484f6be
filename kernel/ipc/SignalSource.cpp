#include <kernel/ipc/SignalSource.h>

namespace gehri::ipc {

SignalSource::~SignalSource()
{
    InterruptSafeGuard guard(m_lock);
    while (SignalObserver* observer = m_observers.pop_first())
        observer->on_signals_changed(m_signals, true);
}

void SignalSource::publish_locked(Signals new_signals)
{
    Signals old_signals = m_signals;
    __atomic_store_n(&m_signals, new_signals, __ATOMIC_RELEASE);
    Signals changed = old_signals ^ new_signals;
    m_observers.for_each([&](SignalObserver& observer) {
        if (observer.m_interest & changed)
            observer.on_signals_changed(new_signals, false);
    });
}

void SignalSource::add_observer(SignalObserver& observer)
{
    InterruptSafeGuard guard(m_lock);
    m_observers.append(observer);
    observer.on_signals_changed(m_signals, false);
}

bool SignalSource::remove_observer(SignalObserver& observer)
{
    InterruptSafeGuard guard(m_lock);
    // The node is linked exactly while the observer is in some source's list; an observer
    // observes one source at a time, so linked means linked here.
    if (!observer.m_node.is_linked())
        return false;
    m_observers.remove(observer);
    return true;
}

size_t SignalSource::observer_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_observers.size();
}

} // namespace gehri::ipc

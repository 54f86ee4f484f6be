#pragma once

#include <kernel/ipc/Signals.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

class SignalSource;

// Someone interested in some of a SignalSource's bits: a wait set entry, or the glue that
// wakes a thread blocked on one handle. Embeds its list links, so observing never allocates.
class SignalObserver {
public:
    explicit SignalObserver(Signals interest)
        : m_interest(interest)
    {
    }
    SignalObserver(const SignalObserver&) = delete;
    SignalObserver& operator=(const SignalObserver&) = delete;

    Signals interest() const { return m_interest; }

    // Called with the source's lock held whenever the bits in interest() change, and once when
    // the source dies (`current` then has nothing but what it last had, and `source_gone` is
    // true). It must not call back into the source; it may take locks ordered after it.
    virtual void on_signals_changed(Signals current, bool source_gone) = 0;

protected:
    ~SignalObserver() = default;

private:
    friend class SignalSource;
    Signals m_interest;
    sched::ListNode<SignalObserver> m_node;
};

} // namespace gehri::ipc

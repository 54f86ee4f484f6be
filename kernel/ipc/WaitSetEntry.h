#pragma once

#include <kernel/ipc/SignalObserver.h>

namespace gehri::ipc {

class SignalSource;
class WaitSet;

// One source registered in a WaitSet: the observer the source calls, and the links that put it
// in the set's lists. Lives exactly as long as its registration.
class WaitSetEntry final : public SignalObserver {
public:
    WaitSetEntry(WaitSet& set, SignalSource& source, uint64_t key, Signals interest)
        : SignalObserver(interest)
        , m_set(set)
        , m_source(&source)
        , m_key(key)
    {
    }

    void on_signals_changed(Signals current, bool source_gone) override;

private:
    friend class WaitSet;

    WaitSet& m_set;
    SignalSource* m_source;   // null once the source died (guarded by the set's lock)
    uint64_t m_key;
    Signals m_observed { 0 }; // current & interest, as of the last notification
    bool m_source_gone { false };
    bool m_removed { false }; // removal started: late notifications are ignored
    sched::ListNode<WaitSetEntry> m_all_node;
    sched::ListNode<WaitSetEntry> m_ready_node;
};

} // namespace gehri::ipc

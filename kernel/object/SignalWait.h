#pragma once

#include <kernel/ipc/SignalSource.h>
#include <kernel/object/Thread.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// Blocking on IPC signals: an observer on each source turns a change of interesting bits into a
// scheduler wake-up, so a waiting thread sleeps on a WaitQueue and nothing polls. Kill-aware:
// Interrupted as soon as the agent of `waiter` (the calling thread, or null for kernel code)
// is killed, which wakes the queue (Agent::begin_interruptible_wait), so no timer is armed.

// Waits until (signals & interest) != 0 on `source`; returns those bits. TimedOut at the
// deadline (scheduler clock; Scheduler::no_deadline waits for good).
Result<ipc::Signals> wait_for_signals(ipc::SignalSource& source, ipc::Signals interest, uint64_t deadline_ns, Thread* waiter);

struct WaitTarget {
    ipc::SignalSource* source;
    ipc::Signals interest;
    ipc::Signals observed; // out: the interesting bits that were up when the wait ended
};
constexpr size_t max_wait_targets = 64;

// Waits until at least one target has an interesting bit up; fills every target's `observed`
// and returns how many are ready. TimedOut (nothing ready) at the deadline; Interrupted.
Result<size_t> wait_for_any(WaitTarget* targets, size_t count, uint64_t deadline_ns, Thread* waiter);

} // namespace gehri::object

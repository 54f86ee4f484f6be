#pragma once

#include <kernel/sched/CpuMask.h>
#include <kernel/sched/RunQueue.h>
#include <stdint.h>

// Load balancing as pure decisions over run-queue snapshots; the Scheduler takes the locks
// and moves the thread.
namespace gehri::sched::balance {

struct Source {
    bool found { false };
    uint32_t cpu { 0 };
};

// The CPU `destination` should pull from: the online CPU with the most runnable threads,
// provided it has at least balance_imbalance_threshold more than the destination (lowest CPU
// number on ties). `nr_running[cpu]` is each CPU's load.
Source find_busiest(const uint32_t* nr_running, CpuMask online, uint32_t destination);

// Can `thread`, queued on another CPU, be moved to `destination`? Only a queued thread (not
// running, its context saved) whose affinity allows the destination.
bool can_migrate(const Thread& thread, uint32_t destination);

// The thread to pull from `source` to `destination`, or null. The most important waiting work
// moves first: the highest class that has a movable thread; within it the thread with the
// largest virtual runtime, the one that would otherwise wait longest (and, having run least
// recently, has the coldest cache to lose).
Thread* choose_thread_to_pull(const RunQueue& source, uint32_t destination);

} // namespace gehri::sched::balance

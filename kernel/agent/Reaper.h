#pragma once

#include <kernel/lib/Result.h>

namespace gehri::object {
class Thread;
}

// The reaper: a kernel thread that finishes agents' threads after they exit. A dying thread
// cannot free its own kernel stack or its agent's page tables while it still runs on them, so
// it hands itself over (reap_later) and switches away for good; the reaper waits until the
// scheduler says it is off every CPU (join), then marks it exited, lets its agent release its
// memory if it was the last thread, and drops the thread's running reference.
namespace gehri::agent {

// Starts the reaper thread; once, at agent bring-up.
Result<void> start_reaper();

// Takes over the running reference of `thread`, which is exiting on this CPU. Lock-free: safe
// with interrupts off, from a fault handler.
void reap_later(object::Thread& thread);

// Threads reaped so far, each counted after its memory was freed (statistics and tests).
uint64_t reaped_thread_count();
// Threads handed over and not yet reaped (tests wait for zero before measuring memory).
uint64_t threads_awaiting_reaper();

} // namespace gehri::agent

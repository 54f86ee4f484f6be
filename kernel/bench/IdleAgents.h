#pragma once

#include <kernel/lib/Result.h>
#include <kernel/mm/PhysicalPage.h>
#include <stddef.h>
#include <stdint.h>

// Many idle agents at once: what each costs in memory, and where that memory goes. The bench
// (start_1000_agents, start_10000_agents) and an in-kernel test share it.
namespace gehri::bench {

// Physical memory at one moment: free pages, and allocated pages by who asked for them.
struct MemoryCensus {
    uint64_t free_pages { 0 };
    uint64_t pages_by_owner[mm::page_owner_count] {};

    static MemoryCensus take();
};

struct IdleAgentsResult {
    size_t requested { 0 };
    size_t started { 0 };
    size_t reported { 0 }; // wrote on their channel, so ran in ring 3 and now block reading it
    uint64_t elapsed_ticks { 0 }; // TSC, first spawn until the last report (instructions under -icount)
    uint64_t elapsed_ns { 0 }; // the scheduler's clock, the same span
    MemoryCensus before; // heap's empty slabs released
    MemoryCensus channels; // every agent's channel made, no agent yet
    MemoryCensus blocked; // all reported, blocked
    MemoryCensus after; // all ended and reaped, empty slabs released again
    bool all_ended { false };

    // Free memory the blocked agents and their channels took, each (0 when none reported).
    uint64_t bytes_per_agent() const;
    // The part of it that is the agent's channel (both ends, their queues).
    uint64_t channel_bytes_per_agent() const;
    // The agent itself (without the channel) by `owner` (page tables, kernel stacks, agent
    // memory, heap).
    uint64_t owner_bytes_per_agent(mm::PageOwner owner) const;
    // Pages free before and not free after (kernel-half page tables for new kernel-stack slots
    // stay once made, the rest should be back).
    uint64_t pages_not_returned() const;
};

// Starts `count` copies of bin/ipcbench as idle agents (argument 2: each writes once on the
// channel it was handed, then blocks reading it), waits until all have reported, takes the
// census, then closes the kernel's ends (each read returns PeerClosed, each agent exits) and
// waits until all have been reaped. NotFound without an initrd; OutOfMemory for the kernel's
// own bookkeeping. Running out of memory for agents is not an error: `started` says how many.
Result<IdleAgentsResult> run_idle_agents(size_t count, uint64_t deadline_ns);

} // namespace gehri::bench

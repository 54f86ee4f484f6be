#pragma once

#include <kernel/object/Thread.h>
#include <kernel/syscall/Abi.h>
#include <kernel/syscall/Decoding.h>

// The system-call handlers, grouped by subject in kernel/syscall/*.cpp; the table that maps
// numbers to them is in Syscalls.cpp. Each handler gets typed, form-checked arguments
// (Decoding.h) and checks the rest (handles, memory) itself before it changes anything.
namespace gehri::syscall {

// Who is calling.
struct Caller {
    object::Thread& thread;
    object::Agent& agent() { return thread.agent(); }
};

// Lifecycle.cpp
Result<uint64_t> sys_spawn(Caller&, HandleArgument spawner, UserPointer<const abi::SpawnRequest> request);
Result<uint64_t> sys_kill(Caller&, HandleArgument agent, int32_t status);
Result<uint64_t> sys_wait_child(Caller&, uint64_t timeout_ns, UserPointer<abi::ChildExit> out);
Result<uint64_t> sys_thread_create(Caller&, uint64_t entry, uint64_t argument, uint64_t stack_size, uint64_t context);
Result<uint64_t> sys_thread_exit(Caller&);
Result<uint64_t> sys_boot_file_read(Caller&, HandleArgument agent, UserPointer<const char> path, Length path_length, uint64_t offset,
    UserPointer<void> buffer, Length length);

// Memory.cpp
Result<uint64_t> sys_memory_map(Caller&, Length length, uint64_t flags);
Result<uint64_t> sys_memory_unmap(Caller&, uint64_t address, Length length);

// Collective.cpp
Result<uint64_t> sys_proposal_open(Caller&, HandleArgument self, UserPointer<const abi::ProposalRequest> request);
Result<uint64_t> sys_proposal_vote(Caller&, HandleArgument self, uint64_t proposal, uint64_t option);
Result<uint64_t> sys_proposal_result(Caller&, HandleArgument self, uint64_t proposal, UserPointer<abi::ProposalStatus> out);
Result<uint64_t> sys_lease_acquire(Caller&, HandleArgument self, UserPointer<const char> resource, Length length, uint64_t term_ns,
    uint64_t flags, uint64_t bid);
Result<uint64_t> sys_lease_renew(Caller&, HandleArgument self, uint64_t lease, uint64_t term_ns);
Result<uint64_t> sys_lease_release(Caller&, HandleArgument self, uint64_t lease);
Result<uint64_t> sys_auction_open(Caller&, HandleArgument self, UserPointer<const abi::AuctionRequest> request);
Result<uint64_t> sys_auction_bid(Caller&, HandleArgument self, uint64_t auction, uint64_t amount);
Result<uint64_t> sys_reputation_report(Caller&, HandleArgument self, uint64_t ratee, uint64_t satisfied, uint64_t unsatisfied);
Result<uint64_t> sys_event_take(Caller&, HandleArgument self, UserPointer<abi::CollectiveEvent> out, uint64_t timeout_ns);

// A deadline in the scheduler's clock `timeout_ns` from now (abi::wait_forever: none).
uint64_t deadline_after(uint64_t timeout_ns);

} // namespace gehri::syscall

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
Result<uint64_t> sys_bootstrap_handle(Caller&);
Result<uint64_t> sys_bootstrap_take(Caller&, UserPointer<const char> name, Length length);
Result<uint64_t> sys_kill(Caller&, HandleArgument agent, int32_t status);
Result<uint64_t> sys_wait_child(Caller&, uint64_t timeout_ns, UserPointer<abi::ChildExit> out);
Result<uint64_t> sys_thread_create(Caller&, uint64_t entry, uint64_t argument, uint64_t stack_size, uint64_t context);
Result<uint64_t> sys_thread_exit(Caller&);
Result<uint64_t> sys_boot_file_read(Caller&, HandleArgument agent, UserPointer<const char> path, Length path_length, uint64_t offset,
    UserPointer<void> buffer, Length length);

// Where MemoryMap, MemoryMapObject and DisplayAcquire place regions: below the main stack
// area, above the program.
constexpr uint64_t map_area_low = 0x0000100000000000;
constexpr uint64_t map_area_high = 0x00007e0000000000;

// Memory.cpp
Result<uint64_t> sys_memory_map(Caller&, Length length, uint64_t flags);
Result<uint64_t> sys_memory_unmap(Caller&, uint64_t address, Length length);
Result<uint64_t> sys_memory_create(Caller&, Length size);
Result<uint64_t> sys_memory_map_object(Caller&, HandleArgument memory, uint64_t flags, UserPointer<uint64_t> size_out);

// Display.cpp
Result<uint64_t> sys_display_acquire(Caller&, HandleArgument self, UserPointer<abi::DisplayInfo> out);

// Channels.cpp
Result<uint64_t> sys_channel_create(Caller&, UserPointer<HandleValue> out);
Result<uint64_t> sys_channel_write(Caller&, HandleArgument channel, UserPointer<const void> bytes, Length length,
    UserPointer<const HandleValue> handles, Length handle_count);
Result<uint64_t> sys_channel_read(Caller&, HandleArgument channel, UserPointer<void> bytes, Length capacity, UserPointer<HandleValue> handles,
    Length handle_capacity, UserPointer<abi::ReadInfo> io);
Result<uint64_t> sys_channel_call(Caller&, HandleArgument channel, UserPointer<const void> bytes, Length length, UserPointer<void> reply,
    Length capacity, UserPointer<abi::ReadInfo> io);
Result<uint64_t> sys_wait_many(Caller&, UserPointer<abi::WaitItem> items, Length count, uint64_t timeout_ns);

// Topics.cpp
Result<uint64_t> sys_topic_namespace_create(Caller&);
Result<uint64_t> sys_topic_namespace_restrict(Caller&, HandleArgument topics, UserPointer<const abi::TopicPattern> patterns, Length count,
    Rights rights);
Result<uint64_t> sys_topic_publisher(Caller&, HandleArgument topics, UserPointer<const char> name, Length length, uint64_t flags);
Result<uint64_t> sys_topic_subscribe(Caller&, HandleArgument topics, UserPointer<const char> name, Length length,
    UserPointer<const abi::SubscribeOptions> options);
Result<uint64_t> sys_topic_publish(Caller&, HandleArgument publisher, UserPointer<const void> bytes, Length length, uint64_t timeout_ns);
Result<uint64_t> sys_topic_take(Caller&, HandleArgument subscription, UserPointer<void> bytes, Length capacity, UserPointer<abi::ReadInfo> io);

// Events.cpp
Result<uint64_t> sys_event_create(Caller&);
Result<uint64_t> sys_event_signal(Caller&, HandleArgument event, uint64_t clear, uint64_t set);

// WaitSets.cpp
Result<uint64_t> sys_wait_set_create(Caller&);
Result<uint64_t> sys_wait_set_add(Caller&, HandleArgument set, HandleArgument handle, uint64_t key, uint64_t interest);
Result<uint64_t> sys_wait_set_remove(Caller&, HandleArgument set, uint64_t key);
Result<uint64_t> sys_wait_set_wait(Caller&, HandleArgument set, UserPointer<abi::WaitSetReady> out, Length capacity, uint64_t timeout_ns);

// Blackboards.cpp
Result<uint64_t> sys_blackboard_create(Caller&);
Result<uint64_t> sys_blackboard_get(Caller&, HandleArgument board, UserPointer<const void> key, Length key_length, UserPointer<void> value,
    Length capacity, UserPointer<abi::EntryInfo> out);
Result<uint64_t> sys_blackboard_put(Caller&, HandleArgument board, UserPointer<const void> key, Length key_length, UserPointer<const void> value,
    Length length, uint64_t expected);
Result<uint64_t> sys_blackboard_delete(Caller&, HandleArgument board, UserPointer<const void> key, Length key_length, uint64_t expected);
Result<uint64_t> sys_blackboard_watch(Caller&, HandleArgument board, UserPointer<const void> pattern, Length length, uint64_t scope, uint64_t capacity);
Result<uint64_t> sys_watch_next(Caller&, HandleArgument watch, UserPointer<void> key, Length capacity, UserPointer<abi::WatchEventInfo> io);

// Collective.cpp
Result<uint64_t> sys_proposal_open(Caller&, HandleArgument self, UserPointer<const abi::ProposalRequest> request);
Result<uint64_t> sys_proposal_vote(Caller&, HandleArgument self, uint64_t proposal, uint64_t option);
Result<uint64_t> sys_proposal_result(Caller&, HandleArgument self, uint64_t proposal, UserPointer<abi::ProposalStatus> out, uint64_t counts);
Result<uint64_t> sys_proposal_close(Caller&, HandleArgument self, uint64_t proposal);
Result<uint64_t> sys_lease_acquire(Caller&, HandleArgument self, UserPointer<const char> resource, Length length, uint64_t term_ns,
    uint64_t flags, uint64_t bid);
Result<uint64_t> sys_lease_renew(Caller&, HandleArgument self, uint64_t lease, uint64_t term_ns);
Result<uint64_t> sys_lease_release(Caller&, HandleArgument self, uint64_t lease);
Result<uint64_t> sys_auction_open(Caller&, HandleArgument self, UserPointer<const abi::AuctionRequest> request);
Result<uint64_t> sys_auction_bid(Caller&, HandleArgument self, uint64_t auction, uint64_t amount);
Result<uint64_t> sys_auction_settle(Caller&, HandleArgument self, uint64_t auction);
Result<uint64_t> sys_auction_awards(Caller&, HandleArgument self, uint64_t auction, UserPointer<abi::AuctionAward> out, Length capacity);
Result<uint64_t> sys_auction_exclude(Caller&, HandleArgument self, uint64_t auction, uint64_t agent);
Result<uint64_t> sys_reputation_report(Caller&, HandleArgument self, uint64_t ratee, uint64_t satisfied, uint64_t unsatisfied);
Result<uint64_t> sys_event_take(Caller&, HandleArgument self, UserPointer<abi::CollectiveEvent> out, uint64_t timeout_ns);
Result<uint64_t> sys_audit_record(Caller&, HandleArgument self, UserPointer<const abi::AuditNote> note);
Result<uint64_t> sys_agent_quarantine(Caller&, HandleArgument agent, uint64_t on, UserPointer<const char> reason, Length length);

// ReputationDomains.cpp
Result<uint64_t> sys_reputation_domain_create(Caller&, HandleArgument self, UserPointer<const abi::ReputationDomainRequest> request);
Result<uint64_t> sys_reputation_domain_rate(Caller&, HandleArgument domain, UserPointer<const abi::DomainRating> ratings, Length count);
Result<uint64_t> sys_reputation_domain_bind(Caller&, HandleArgument domain, uint64_t peer, HandleArgument agent);
Result<uint64_t> sys_reputation_domain_judge(Caller&, HandleArgument domain, uint64_t steps, UserPointer<const abi::QuarantinePolicy> policy,
    UserPointer<uint32_t> out, Length capacity);
Result<uint64_t> sys_reputation_domain_trust(Caller&, HandleArgument domain, uint64_t first, UserPointer<uint64_t> out, Length count);

// A deadline in the scheduler's clock `timeout_ns` from now (abi::wait_forever: none).
uint64_t deadline_after(uint64_t timeout_ns);

} // namespace gehri::syscall

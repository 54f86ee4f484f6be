#pragma once

#include <kernel/ipc/Signals.h>
#include <kernel/lib/Error.h>
#include <kernel/object/Handle.h>
#include <kernel/object/Rights.h>
#include <stddef.h>
#include <stdint.h>

// The system-call ABI, shared by the kernel and libgehri. Everything here crosses the
// boundary: numbers, layouts and limits change only together with syscall_abi_version.
//
// Calling convention (x86_64): `syscall` with the number in rax and up to six arguments in
// rdi, rsi, rdx, r10, r8, r9. The result comes back in rax: a value >= 0 on success, or
// -Error (kernel/lib/Error.h) on failure. rcx, r11 and the six argument registers are
// clobbered (the kernel zeroes what it does not return, so no kernel value leaks); rbx, rbp,
// rsp, r12-r15 and the FPU/SSE registers are preserved.
namespace gehri::abi {

constexpr uint32_t syscall_abi_version = 11;

enum class Syscall : uint64_t {
    Null = 0, // does nothing, returns 0: the cost of the round trip itself
    AbiVersion = 1, // () -> syscall_abi_version
    DebugWrite = 2, // (const char* text, size_t length) -> length; one line per '\n' in the kernel log
    Exit = 3, // (int32 status) -> does not return; ends every thread of the calling agent
    HandleClose = 4, // (handle) -> 0
    HandleDuplicate = 5, // (handle, rights) -> new handle with those rights (a subset)
    Wait = 6, // (agent or thread handle, timeout_ns, ExitInfo* out) -> 0 once it has exited
    ClockNow = 7, // () -> monotonic nanoseconds since boot
    Yield = 8, // () -> 0; lets other threads run first
    AgentInfo = 9, // (agent handle, AgentInfo* out) -> 0; needs Rights::Read
    // (agent handle, const SpawnRequest*) -> a handle to the new agent (spawned_agent_rights,
    // plus Spawn if the request gives the child SpawnFlags::MaySpawn). The handle's agent
    // (Rights::Spawn) becomes the parent: the child's quota is taken from its quota until the
    // child has exited, and WaitChild tells it when the child ends.
    Spawn = 10,
    Kill = 11, // (agent handle, int32 status) -> 0; needs Rights::Kill; its threads end at their next kernel entry
    // (timeout_ns, ChildExit* out) -> 0: the next child of the calling agent that has ended.
    // NotFound if it has no child left to wait for; TimedOut.
    WaitChild = 12,
    // (length, MemoryFlags) -> address of a new demand-zero region of `length` bytes (page
    // multiple) with an unmapped guard page on each side, charged to the quota in full.
    MemoryMap = 13,
    MemoryUnmap = 14, // (address, length) -> 0; exactly a region MemoryMap returned
    // (entry, argument, stack_size, context) -> thread handle: a new thread of the calling
    // agent starts at entry with rdi = argument and rsi = context, on a demand-zero stack of its
    // own (stack_size bytes, 0 for the default) with a guard page below.
    ThreadCreate = 15,
    ThreadExit = 16, // () -> does not return; ends the calling thread only
    Sleep = 17, // (nanoseconds) -> 0
    // (agent handle, const char* path, path_length, offset, void* buffer, length) -> bytes
    // read from the file `path` of the boot image (initrd); needs Rights::Spawn.
    BootFileRead = 18,
    // (self: Display, DisplayInfo* out) -> the address where the boot framebuffer is now mapped
    // (user, writable, not executable; out->size bytes), its geometry in *out. The screen is the
    // caller's until it ends (docs/display.md). NotSupported without a usable 32-bit
    // framebuffer; Busy while an agent (this one included) holds it.
    DisplayAcquire = 19,

    // --- IPC (32..63; docs/ipc.md). Numbers 20..31 are unassigned: NotSupported. -----------
    // (HandleValue out[2]) -> 0: the two ends of a new channel (channel_rights each).
    ChannelCreate = 32,
    // (channel, const void* bytes, length, const HandleValue* handles, handle_count) -> 0.
    // Needs Write; each handle sent needs Transfer and leaves the caller's table (even if the
    // write then fails: the message is consumed, as in Zircon). TooLarge past max_message_bytes
    // or max_message_handles (or the peer queue's byte limit); QueueFull; PeerClosed;
    // InvalidArgument for a handle to this channel itself.
    ChannelWrite = 33,
    // (channel, void* bytes, capacity, HandleValue* handles, handle_capacity, ReadInfo* io)
    // -> byte count. Needs Read. Waits up to io->timeout_ns for a message (0 polls: WouldBlock).
    // Fills io->sender (stamped by the kernel), byte_count, handle_count. BufferTooSmall (the
    // message stays queued; io says what it needs); PeerClosed once empty for good; TimedOut;
    // Interrupted.
    ChannelRead = 34,
    // (WaitItem* items, count, timeout_ns) -> how many items are ready; each item's `observed`
    // is filled. Every handle needs Wait. TimedOut (0 polls); InvalidArgument; Interrupted.
    WaitMany = 35,
    // () -> a handle to a new topic namespace (namespace_rights).
    TopicNamespaceCreate = 36,
    // (namespace, const char* name, length, TopicFlags) -> a publisher handle (publisher_rights).
    // Needs Publish (and Write with TopicFlags::Create). NotFound without Create.
    TopicPublisher = 37,
    // (namespace, const char* name, length, const SubscribeOptions*) -> a subscription handle
    // (subscription_rights). Needs Subscribe (and Write with TopicFlags::Create).
    TopicSubscribe = 38,
    // (publisher, const void* bytes, length, timeout_ns) -> the sample's sequence number (1, 2,
    // ...). Needs Write. While a reliable subscriber is full, waits up to timeout_ns for room,
    // in turn with the topic's other waiting publishers (one is woken per freed slot), then
    // QueueFull (nobody got it); 0 never waits. TooLarge.
    TopicPublish = 39,
    // (subscription, void* bytes, capacity, ReadInfo* io) -> byte count, as ChannelRead (no
    // handles); io->sequence is the topic's sample number. Needs Read.
    TopicTake = 40,
    // () -> the handle this agent's creator gave it (SpawnRequest::bootstrap_handle), once;
    // NotFound if there is none (or it was taken already).
    BootstrapHandle = 41,
    // () -> a handle to a new blackboard (blackboard_rights).
    BlackboardCreate = 42,
    // (board, const void* key, key_length, void* value, capacity, EntryInfo* out) -> value
    // length. Needs Read. NotFound; BufferTooSmall (out->value_length says what it needs).
    BlackboardGet = 43,
    // (board, key, key_length, const void* value, length, expected_version) -> the new version.
    // Needs Write. expected_version any_version puts unconditionally; 0 only if the key is
    // absent; otherwise only at that version (VersionMismatch). QuotaExceeded past the
    // caller's bytes on the board; TooLarge (key > 256 bytes, value > 64 KiB).
    BlackboardPut = 44,
    // (board, key, key_length, expected_version) -> the revision of the deletion. Needs Write.
    // NotFound; VersionMismatch.
    BlackboardDelete = 45,
    // (board, const void* pattern, length, WatchScope, capacity) -> a watch handle (watch_rights).
    // Needs Read. Key: exactly that key; Prefix: every key starting with it (empty: all).
    BlackboardWatch = 46,
    // (watch, void* key, capacity, WatchEventInfo* io) -> the event's key length. Needs Read.
    // Waits up to io->timeout_ns (0 polls: WouldBlock); BufferTooSmall (stays queued).
    WatchNext = 47,
    // (size) -> a handle to a new memory object of `size` zeroed bytes (a page multiple, at
    // most 64 MiB; memory_rights), charged to the caller's memory quota while it exists.
    MemoryCreate = 48,
    // (memory object, MemoryFlags, uint64_t* size_out) -> the address where the whole object is
    // now mapped, shared with every other agent that maps it; its size goes to *size_out (if not
    // null). Needs Map, and Write for MemoryFlags::Write (Execute is refused). MemoryUnmap(address,
    // size) unmaps it.
    MemoryMapObject = 49,
    // (channel, const void* bytes, length, void* reply, capacity, ReadInfo* io) -> the reply's
    // byte count: ChannelWrite of the request (no handles), then ChannelRead of the next
    // message on the same end (no handles: a reply carrying some stays queued, BufferTooSmall
    // with io->handle_count, for ChannelRead to take), in one call. Needs Read and Write. The
    // CPU goes straight to the peer's blocked reader (docs/ipc.md). Errors as the two calls;
    // a failed write sends nothing and waits for nothing.
    ChannelCall = 50,
    // (namespace, const TopicPattern* patterns, count, rights) -> a handle to a view of the
    // namespace that reaches only topics a pattern matches, each in the roles its pattern allows
    // (TopicPublisher/TopicSubscribe on another name: AccessDenied), with `rights` (a subset of
    // the source handle's, which needs Duplicate). A view of a view is limited by both: a handle
    // only narrows. 1..max_topic_patterns patterns; QuotaExceeded past 4 views deep.
    TopicNamespaceRestrict = 51,
    // () -> a handle to a new event (event_rights): a signal source whose bits its holders set
    // (Zircon's event), for waking a peer that sleeps in WaitMany (libgehri's ring slow path).
    EventCreate = 52,
    // (event, clear_mask, set_mask) -> 0: the event's signals become (current & ~clear) | set.
    // Needs Signal (waiting on it needs Wait). Only signal::signalled and signal::user_all may
    // be named: InvalidArgument otherwise.
    EventSignal = 53,
    // () -> a handle to a new persistent wait set (wait_set_rights; no Transfer).
    WaitSetCreate = 54,
    // (wait set, handle, key, interest) -> 0: registers the handle's object under `key` (any
    // value) for the signal bits of `interest`. The set needs Write, the handle Wait. The set
    // keeps the object alive until the key is removed or the set closes. InvalidArgument (empty
    // or unknown bits); WrongObjectType (no signals, or a wait set); AlreadyExists (key in use);
    // QuotaExceeded past max_wait_set_entries.
    WaitSetAdd = 55,
    // (wait set, key) -> 0. Needs Write. NotFound.
    WaitSetRemove = 56,
    // (wait set, WaitSetReady* out, capacity, timeout_ns) -> how many entries are ready (1 ..
    // capacity), each (key, the interesting bits up): level-triggered, and reported entries move
    // to the back so a busy one cannot starve the others. Needs Wait. TimedOut (0 polls);
    // Interrupted; InvalidArgument for a capacity of 0 or past max_wait_set_results.
    WaitSetWait = 57,
    // (const char* name, length) -> the handle its creator granted under that name
    // (SpawnRequest::grants, e.g. "blackboard:fire"), once; NotFound if there is none (or it
    // was taken already).
    BootstrapTake = 58,
    // 59..63 unassigned: NotSupported.

    // The collective services (docs/collective.md). The first argument of each is the caller's
    // handle to itself, carrying the right named; the policy is checked (a denial is
    // AccessDenied and audited); an isolated agent is refused (AccessDenied).
    // (self: Govern, const ProposalRequest*) -> proposal id. QuotaExceeded past the per-agent limit.
    ProposalOpen = 64,
    // (self: Vote, proposal, option) -> 0. AlreadyExists for a second ballot; option
    // ballot_abstain abstains.
    ProposalVote = 65,
    // (self: Read, proposal, ProposalStatus* out, ProposalCounts* counts or 0) -> 0. NotFound if
    // unknown or long forgotten. `counts`, if not 0, gets the weights cast so far (or at the end).
    ProposalResult = 66,
    // (self: Lease, const char* resource, length, term_ns, LeaseFlags, bid) -> the lease id if
    // granted now, 0 if queued (a LeaseGranted event follows).
    LeaseAcquire = 67,
    LeaseRenew = 68, // (self: Lease, lease, term_ns) -> 0; Busy if others wait
    LeaseRelease = 69, // (self: Lease, lease) -> 0
    // (self: Govern, const AuctionRequest*) -> auction id: sells scheduling weight or memory
    // quota, or (AuctionEffect::Award) ranks bids for a task the caller owns.
    AuctionOpen = 70,
    // (self: Bid, auction, amount) -> 0; the credit is taken at once. QuotaExceeded beyond the
    // agent's credit, AlreadyExists for a second bid. An award auction takes no credit
    // (QuotaExceeded once its max_bids bids are in).
    AuctionBid = 71,
    // (self: Rate, agent id, satisfied, unsatisfied) -> 0
    ReputationReport = 72,
    // (self: Read, CollectiveEvent* out, timeout_ns) -> 0 with the oldest event; TimedOut if
    // none came (timeout 0 polls).
    EventTake = 73,
    // (self: Govern, const AuditNote*) -> the record's sequence number: a decision an agent
    // took (a swarm's coordinator quarantining a member, say) goes into the kernel's audit log
    // as a SwarmDecision record, stamped with the caller's id. QuotaExceeded past the kernel-wide
    // rate for agents' records (so no agent can crowd the kernel's own records out).
    AuditRecord = 74,
    // Award auctions, by their auctioneer only (AccessDenied for anyone else; NotFound for an
    // unknown or forgotten auction, or one of another kind):
    // (self: Govern, auction) -> the number of winners: closes it now, before any deadline.
    // TimedOut if already settled.
    AuctionSettle = 75,
    // (self: Read or Govern, auction, AuctionAward* out, capacity) -> how many winners, written
    // best-ranked first. WouldBlock while open; BufferTooSmall (nothing written) if capacity is
    // less than the winners.
    AuctionAwards = 76,
    // (self: Govern, auction, agent id) -> 1 if the agent's bid was withdrawn, 0 if it had none:
    // the auctioneer takes a bid back before settling (lots sold in order, one per bidder).
    // TimedOut if already settled.
    AuctionExclude = 77,
    // (self: Govern, proposal) -> 0: the proposer ends the vote now; the proposal settles with
    // the ballots in (as at its deadline). AccessDenied for anyone but the proposer, NotFound
    // for an unknown id, TimedOut when its vote is already over.
    ProposalClose = 78,
    // (agent handle: Quarantine, uint32 on, const char* reason, length) -> 0. A supervisor (the
    // parent, whose handle to its child carries Quarantine) quarantines the agent (on = 1): the
    // kernel cuts it off exactly as a reputation quarantine does (no proposals, votes, auctions,
    // bids or leases; no topic calls, its subscriptions stop receiving; ps shows `quarant`; it
    // keeps running), audits a Quarantine record naming the caller and the reason (at most
    // agent_quarantine_max_reason bytes, any may be 0), and tells the agent (Quarantined).
    // on = 0 lifts the quarantine this caller imposed, and only that: not the reputation's, nor
    // another supervisor's, nor a human's isolation (NotFound). Again with on = 1 is a no-op;
    // AlreadyExists if another supervisor holds it; NotFound once it has exited;
    // InvalidArgument for on > 1, a reason too long, or the caller itself.
    AgentQuarantine = 79,
    // Reputation domains (docs/collective.md): an EigenTrust over a swarm's own peers, a kernel
    // object behind a handle, whose judgments the kernel enforces on the agents bound to its
    // peers. Peer indexes are 0..peers-1; OutOfRange for any other.
    // (self: Govern, const ReputationDomainRequest*) -> a domain handle (reputation_domain_rights).
    // InvalidArgument for a bad request; QuotaExceeded past the caller's memory quota (the
    // domain's storage is charged to it) or past reputation_domain_max_live domains kernel-wide.
    ReputationDomainCreate = 80,
    // (domain: Rate, const DomainRating* ratings, count) -> how many were recorded, in order: it
    // stops at the first that fails, so ratings[result] is the one refused (if result < count).
    // The first's error if none was: InvalidArgument (a self-rating, no transactions), OutOfRange,
    // OutOfMemory (the feedback table is full). At most reputation_domain_max_batch a call.
    ReputationDomainRate = 81,
    // (domain: Govern, peer, agent handle: Quarantine) -> 0: the agent is now the peer's (a
    // restarted incarnation replaces the last). A peer already judged quarantined has its new
    // agent quarantined at once, by the caller, as AgentQuarantine does.
    ReputationDomainBind = 82,
    // (domain: Govern, refine steps, const QuarantinePolicy*, uint32* out, capacity) -> how many
    // peers are quarantined in all (ascending; the first `capacity` written): refine(steps) then
    // the policy. Each peer quarantined for the first time whose bound agent is alive is cut off
    // by the kernel, as AgentQuarantine does, with the caller as the supervisor and the domain
    // and the peer's trust as the audit record's reason. A judged peer stays judged. Steps at
    // most reputation_domain_max_steps.
    ReputationDomainJudge = 83,
    // (domain: Read, first peer, uint64* out, count) -> count: each peer's trust, raw (unsigned
    // Q2.62, kernel/collective/EigenTrust.h: trust_to_ppm gives the ppm).
    ReputationDomainTrust = 84,
    Count,
};

// What the kernel passes to a new agent's first thread (registers at _start).
// rdi: a handle to the agent itself, rsi: a handle to this thread, rdx: the start argument
// its creator chose, rcx: the agent's id. rsp is 16-byte aligned, all else is zero.
constexpr Rights collective_rights = Rights::Govern | Rights::Vote | Rights::Bid | Rights::Lease | Rights::Rate;
constexpr Rights self_agent_rights = Rights::Read | Rights::Wait | Rights::Duplicate | collective_rights;
constexpr Rights self_thread_rights = Rights::Read | Rights::Wait | Rights::Duplicate;

// The most bytes one DebugWrite takes (more is InvalidArgument).
constexpr size_t debug_write_max = 1024;

// Wait's timeout: 0 polls (TimedOut if still running); this value waits forever.
constexpr uint64_t wait_forever = ~uint64_t(0);

enum class ExitReason : uint32_t {
    Exited = 1, // called Exit
    Faulted = 2, // killed by the kernel for a CPU exception in user mode
    Killed = 3, // by Kill (status: the killer's), or the kernel (kill_status_out_of_memory, kill_status_parent_gone)
};

// The status of an agent the kernel killed because a demand-zero page found no free memory.
constexpr int32_t kill_status_out_of_memory = -12;
// The status of every agent ended by the console's break-glass `kill-all` (as the console's kill).
constexpr int32_t kill_status_break_glass = -9;
// The status of an agent the kernel killed because its parent ended (exit, fault or kill): a
// child belongs to its parent, and a tree ends with its root (docs/agents.md).
constexpr int32_t kill_status_parent_gone = -10;

// How an agent or thread ended (Wait's output).
struct ExitInfo {
    ExitReason reason { ExitReason::Exited };
    int32_t status { 0 }; // Exit's status; 0 when Faulted
    uint32_t fault_vector { 0 }; // the exception vector when Faulted (14 = page fault, ...)
    uint32_t fault_error_code { 0 };
    uint64_t fault_address { 0 }; // the faulting data or code address (page faults), else 0
    uint64_t fault_ip { 0 }; // the instruction that faulted
};
static_assert(sizeof(ExitInfo) == 32);

// What AgentInfo reports about an agent.
struct AgentInfo {
    uint64_t id { 0 };
    char name[32] {}; // NUL-terminated
    uint32_t has_exited { 0 };
    uint32_t priority_class { 0 };
    uint64_t memory_quota { 0 }; // bytes
    uint64_t memory_committed { 0 }; // bytes of its regions and its children's quotas
    uint64_t memory_resident { 0 }; // bytes of pages actually allocated
    uint32_t weight { 0 };
    uint32_t thread_count { 0 };
};
static_assert(sizeof(AgentInfo) == 80);

// Spawn's request.
enum class SpawnFlags : uint32_t {
    None = 0,
    MaySpawn = 1u << 0, // the child's handle to itself carries Rights::Spawn
    // The child's handle to itself carries Rights::Display; the spawner handle must carry it too.
    Display = 1u << 1,
    All = 3,
};

struct SpawnRequest {
    uint64_t program { 0 }; // const char*: path of the executable in the initrd ("bin/hello")
    uint64_t program_length { 0 };
    uint64_t name { 0 }; // const char*: for logs and ps; empty means the program's
    uint64_t name_length { 0 };
    uint64_t argument { 0 }; // rdx at the child's _start
    uint64_t memory_quota { 0 }; // bytes; 0 means default_memory_quota
    uint32_t priority_class { 2 }; // 0 emergency, 1 interactive, 2 normal, 3 batch
    uint32_t weight { 1024 }; // 1 .. 2^20
    uint32_t flags { 0 }; // SpawnFlags
    // A handle of the caller's (needs Transfer) that moves to the child, which finds it with
    // BootstrapHandle; 0 for none.
    uint32_t bootstrap_handle { 0 };
    // Room in the child's handle table: 0 for the default (256), at most 32768. A coordinator
    // that talks to thousands of children needs a handle per child.
    uint32_t handle_capacity { 0 };
    uint32_t grant_count { 0 }; // entries at `grants`, at most max_capability_grants
    // const CapabilityGrant*: named handles of the caller's (each needs Transfer) that move to
    // the child, which takes each with BootstrapTake(name). 0 when grant_count is 0.
    uint64_t grants { 0 };
};
static_assert(sizeof(SpawnRequest) == 80);

// One named handle a spawner grants its child (SpawnRequest::grants). The child gets the
// handle with the rights it has in the spawner's table (duplicate it with fewer first).
constexpr size_t max_capability_grants = 8;
constexpr size_t max_capability_name_length = 32;
struct CapabilityGrant {
    uint32_t handle { 0 };
    uint32_t name_length { 0 }; // 1 .. max_capability_name_length
    char name[max_capability_name_length] {}; // "blackboard:fire", "channel:jobs": any bytes
};
static_assert(sizeof(CapabilityGrant) == 40);

constexpr uint64_t default_memory_quota = 1024 * 1024;
constexpr uint64_t max_path_length = 128;
constexpr Rights spawned_agent_rights = Rights::Read | Rights::Wait | Rights::Kill | Rights::Duplicate | Rights::Transfer | Rights::Quarantine;
// AgentQuarantine's reason: at most this many bytes (the audit record's string field).
constexpr size_t agent_quarantine_max_reason = 64;

// What WaitChild reports.
struct ChildExit {
    uint64_t id { 0 };
    ExitInfo info;
};
static_assert(sizeof(ChildExit) == 40);

enum class MemoryFlags : uint64_t {
    Read = 0, // always readable
    Write = 1u << 0,
    Execute = 1u << 1,
    All = 3,
};

constexpr uint64_t max_thread_stack_size = 8 * 1024 * 1024;
constexpr uint64_t default_thread_stack_size = 64 * 1024;

// DisplayAcquire's answer: the framebuffer's geometry. A pixel is 32 bits; each 8-bit colour
// channel sits at its shift (the rest of the pixel is unused). Row y starts y * pitch bytes
// after the mapped address.
struct DisplayInfo {
    uint32_t width { 0 }; // pixels
    uint32_t height { 0 };
    uint32_t pitch { 0 }; // bytes from one row to the next
    uint32_t bits_per_pixel { 0 }; // 32
    uint8_t red_shift { 0 };
    uint8_t green_shift { 0 };
    uint8_t blue_shift { 0 };
    uint8_t reserved[5] {};
    uint64_t size { 0 }; // bytes mapped (a page multiple, at least pitch * height)
};
static_assert(sizeof(DisplayInfo) == 32);

// --- The collective services ----------------------------------------------------------------

enum class ProposalThreshold : uint32_t { SimpleMajority = 0, TwoThirds = 1, Unanimity = 2 };

// OneAgentOneVote: every elector weighs 1. ReputationWeighted: each weighs its vote weight
// (1000 x its standing, docs/collective.md "Reputation"), taken at opening. Given: each weighs
// what the proposer says (ProposalRequest::weights, one per explicit elector; a swarm's own
// trust, say). A weight of 0 may vote and counts 0, as under ReputationWeighted.
enum class ProposalWeighting : uint32_t { OneAgentOneVote = 0, ReputationWeighted = 1, Given = 2 };

// ProposalRequest::flags. Quiet: the electors are not told ProposalOpened / ProposalDecided
// (the proposer tells them the id itself, and gets both events); the outcome is still audited
// and answered by ProposalResult.
enum class ProposalFlags : uint32_t { None = 0, Quiet = 1u << 0, All = 1 };

constexpr size_t proposal_max_options = 8;
// The most electors, explicit or by group (more: InvalidArgument explicit, QuotaExceeded by
// group). Larger than 16 they live on the kernel heap while the proposal is open.
constexpr size_t proposal_max_electorate = 16384;
constexpr size_t proposal_max_group_electorate = 16384;
// Electorates larger than this are always quiet: the kernel's ring of pending events holds one
// ProposalOpened per elector only up to here (docs/collective.md).
constexpr size_t proposal_notified_electorate = 1024;
constexpr size_t proposal_group_length = 32; // an agent's name: at most 31 bytes
constexpr uint32_t ballot_abstain = ~uint32_t(0);

// ProposalOpen's request. Strings are NUL-padded (a full array has no NUL). The electorate is
// explicit (electorate, electorate_count) or a group (group, with electorate and
// electorate_count 0): every agent of that name alive at opening, cut-off ones left out.
struct ProposalRequest {
    char kind[24] {}; // what it is about; policy matches on it
    char question[96] {};
    char options[proposal_max_options][24] {};
    uint32_t option_count { 0 }; // 2 .. proposal_max_options
    uint32_t threshold { 0 }; // ProposalThreshold
    uint64_t voting_period_ns { 0 };
    uint64_t electorate { 0 }; // const uint64_t*: agent ids
    uint64_t electorate_count { 0 }; // 1 .. proposal_max_electorate, or 0 with a group
    uint32_t weighting { 0 }; // ProposalWeighting
    uint32_t flags { 0 }; // ProposalFlags (was `reserved`, 0)
    char group[proposal_group_length] {}; // an agent group (its members' name); empty: explicit
    uint64_t weights { 0 }; // const uint64_t*: with Given, one per elector (electorate_count); else 0
};
static_assert(sizeof(ProposalRequest) == 392);

enum class ProposalState : uint32_t { Voting = 0, AwaitingCosign = 1, Settled = 2 };

// ProposalResult's answer. verdict: collective::Verdict (0 Decided, 1 NoQuorum, 2 Tie,
// 3 NoMajority, 4 CosignRefused, 5 CosignExpired), meaningful once Settled.
struct ProposalStatus {
    uint32_t state { 0 };
    uint32_t verdict { 0 };
    uint32_t option { 0 }; // the winner when Decided; the tied options' bit mask when Tie
    uint32_t reserved { 0 };
};
static_assert(sizeof(ProposalStatus) == 16);

// ProposalResult's count, while voting and once settled (as long as the status is known):
// the weight cast for each option (as the electors were weighted), the weight cast in all
// (abstentions included), the abstained weight, the electorate's weight, ballots and electors.
struct ProposalCounts {
    uint64_t option_weight[proposal_max_options] {};
    uint64_t cast_weight { 0 };
    uint64_t abstained_weight { 0 };
    uint64_t electorate_weight { 0 };
    uint32_t ballots { 0 };
    uint32_t electorate { 0 };
};
static_assert(sizeof(ProposalCounts) == 96);

enum class LeaseFlags : uint64_t { None = 0, Shared = 1u << 0, All = 1 };

// Award: the auction only decides who wins `units` units of a task the auctioneer owns (it
// carries out the result). Amounts are scores, not money: no credit is checked or taken, no
// effect applied, no event posted; ties go to the lower agent id. value and term_ns must be 0.
enum class AuctionEffect : uint32_t { SchedulingWeight = 0, MemoryQuota = 1, Award = 2 };
enum class AuctionPricing : uint32_t { FirstPrice = 0, SecondPrice = 1 };

// An award auction's most bids (its max_bids), and how many award auctions one agent may have
// open at once (more: QuotaExceeded) and settled for AuctionAwards (the oldest is forgotten).
constexpr uint32_t auction_max_bids = 16384;
constexpr uint32_t award_auctions_open_per_agent = 128;
constexpr uint32_t award_auctions_kept_per_agent = 128;

struct AuctionRequest {
    uint32_t effect { 0 }; // AuctionEffect
    uint32_t pricing { 1 }; // AuctionPricing
    uint64_t value { 0 }; // the weight, or the extra bytes of quota, each winner gets
    uint64_t term_ns { 0 }; // for how long
    uint64_t units { 1 }; // award auctions: 1 .. auction_max_bids
    uint64_t reserve_price { 0 };
    // Award auctions: 0 closes only by AuctionSettle; the others need a deadline.
    uint64_t closes_in_ns { 0 };
    // Award auctions: the most bids it takes, 1 .. auction_max_bids (storage grows with the
    // bids, 24 bytes each); must be 0 for the others (they have 16 bids each).
    uint32_t max_bids { 0 };
    uint32_t reserved { 0 }; // must be 0
};
static_assert(sizeof(AuctionRequest) == 56);

// AuctionAwards' answer: one winner.
struct AuctionAward {
    uint64_t agent { 0 };
    uint64_t price { 0 }; // as the auction's pricing says (a score, for an award auction)
};
static_assert(sizeof(AuctionAward) == 16);

// AuditRecord's request. `what` names the decision ([a-z0-9_-], 1..32 bytes), `detail` says
// more (any bytes, up to 64).
struct AuditNote {
    uint64_t what { 0 }; // const char*
    uint64_t what_length { 0 };
    uint64_t subject { 0 }; // the agent the decision is about (0: none)
    uint64_t detail { 0 }; // const char*
    uint64_t detail_length { 0 };
};
static_assert(sizeof(AuditNote) == 40);
constexpr size_t audit_note_max_what = 32;
constexpr size_t audit_note_max_detail = 64;

// EventTake's answer: collective::Event (kernel/collective/Outbox.h documents each kind).
struct CollectiveEvent {
    uint32_t kind { 0 }; // collective::EventKind
    uint32_t lost { 0 }; // events dropped from a full queue before this one
    uint64_t subject { 0 };
    uint64_t detail { 0 };
    uint64_t detail2 { 0 };
};
static_assert(sizeof(CollectiveEvent) == 32);
// --- IPC ----------------------------------------------------------------------------------------

constexpr Rights channel_rights = Rights::Read | Rights::Write | Rights::Wait | Rights::Transfer | Rights::Duplicate;
constexpr Rights namespace_rights = Rights::Read | Rights::Write | Rights::Publish | Rights::Subscribe | Rights::Transfer | Rights::Duplicate;
constexpr Rights publisher_rights = Rights::Write | Rights::Wait | Rights::Transfer | Rights::Duplicate;
constexpr Rights subscription_rights = Rights::Read | Rights::Wait | Rights::Transfer | Rights::Duplicate;

constexpr size_t max_message_bytes = 64 * 1024;
constexpr size_t max_message_handles = 64;
constexpr size_t max_wait_items = 64;
constexpr size_t max_topic_name_length = 64;

// Signal bits (WaitItem::interest / observed): kernel/ipc/Signals.h.
namespace signal = ipc::signal;

// ChannelRead's and TopicTake's in/out block.
struct ReadInfo {
    uint64_t timeout_ns { 0 }; // in: 0 polls, wait_forever waits
    uint64_t sender { 0 }; // out: the sending agent's id, stamped by the kernel
    uint64_t sequence { 0 }; // out: topics' sample number (channels: 0)
    uint32_t byte_count { 0 }; // out: bytes of the message (needed, on BufferTooSmall)
    uint32_t handle_count { 0 }; // out: handles of the message
};
static_assert(sizeof(ReadInfo) == 32);

struct WaitItem {
    uint32_t handle { 0 };
    uint32_t interest { 0 }; // signal bits, not 0
    uint32_t observed { 0 }; // out: the interesting bits that were up
    uint32_t reserved { 0 }; // must be 0
};
static_assert(sizeof(WaitItem) == 16);

enum class TopicFlags : uint32_t {
    None = 0,
    Create = 1u << 0, // make the topic if it does not exist (needs Write on the namespace)
    All = 1,
};

// One pattern of TopicNamespaceRestrict: 1..max_topic_name_length printable characters without
// spaces, matched against a topic name segment by segment ('/'-separated, the same count), where
// '*' matches any run of characters within its segment ("fire/*": "fire/north", not "fire/a/b").
struct TopicPattern {
    uint64_t pattern { 0 }; // const char*
    uint32_t length { 0 };
    uint32_t rights { 0 }; // Rights::Publish and/or Rights::Subscribe
};
static_assert(sizeof(TopicPattern) == 16);
constexpr size_t max_topic_patterns = 16;

struct SubscribeOptions {
    uint32_t history_depth { 16 }; // 1 .. 16384
    uint32_t reliable { 0 }; // 1: the publisher feels back-pressure; 0: best effort (oldest dropped)
    uint32_t latest_value { 0 }; // 1: start with the topic's last sample
    uint32_t flags { 0 }; // TopicFlags
};
static_assert(sizeof(SubscribeOptions) == 16);

constexpr Rights blackboard_rights = Rights::Read | Rights::Write | Rights::Transfer | Rights::Duplicate;
constexpr Rights watch_rights = Rights::Read | Rights::Wait | Rights::Transfer | Rights::Duplicate;
constexpr Rights event_rights = Rights::Read | Rights::Wait | Rights::Signal | Rights::Transfer | Rights::Duplicate;
constexpr Rights wait_set_rights = Rights::Read | Rights::Write | Rights::Wait | Rights::Duplicate;
constexpr size_t max_wait_set_entries = 1024;
constexpr size_t max_wait_set_results = 64;

enum class WaitSetReadyFlags : uint32_t {
    None = 0,
    SourceGone = 1u << 0, // the object died while registered (not while the set holds it)
};

// One ready entry of WaitSetWait.
struct WaitSetReady {
    uint64_t key { 0 };
    uint32_t signals { 0 }; // the interesting bits that are up
    uint32_t flags { 0 }; // WaitSetReadyFlags
};
static_assert(sizeof(WaitSetReady) == 16);

constexpr Rights memory_rights = Rights::Read | Rights::Write | Rights::Map | Rights::Transfer | Rights::Duplicate;
constexpr uint64_t any_version = ~uint64_t(0);
constexpr size_t max_key_bytes = 256;

// What BlackboardGet reports about an entry.
struct EntryInfo {
    uint64_t version { 0 }; // board revision of the last put
    uint64_t created_version { 0 }; // board revision that created the key
    uint64_t writer { 0 }; // the agent that last wrote it, stamped by the kernel
    uint64_t time_ns { 0 }; // when, in ClockNow's clock
    uint64_t value_length { 0 };
};
static_assert(sizeof(EntryInfo) == 40);

enum class WatchScope : uint32_t {
    Key = 0,
    Prefix = 1,
};

enum class WatchEventKind : uint32_t {
    Put = 1,
    Delete = 2,
};

// WatchNext's in/out block.
struct WatchEventInfo {
    uint64_t timeout_ns { 0 }; // in
    uint64_t version { 0 }; // out: the board revision of the change
    uint64_t writer { 0 };
    uint64_t time_ns { 0 };
    uint32_t kind { 0 }; // WatchEventKind
    uint32_t key_length { 0 };
    uint32_t overflowed { 0 }; // 1: events were lost since the last WatchNext (re-read the board)
    uint32_t reserved { 0 };
};
static_assert(sizeof(WatchEventInfo) == 48);

// ReputationDomainCreate's request: the EigenTrust's peers and feedback table (a power of
// two, 64..reputation_domain_max_feedback_slots, of which 7/8 can be used), its damping,
// convergence threshold (raw trust; 0: the default) and iteration bound, and up to
// reputation_domain_max_pretrusted pre-trusted peers (none: the pre-trust is uniform).
struct ReputationDomainRequest {
    uint32_t peers { 0 };
    uint32_t feedback_slots { 0 };
    uint32_t damping_ppm { 150'000 }; // 1..999,999
    uint32_t max_iterations { 200 };
    uint64_t epsilon { 0 };
    uint32_t pretrusted_count { 0 };
    uint32_t pretrusted[4] {};
    uint32_t reserved { 0 }; // must be 0
};
static_assert(sizeof(ReputationDomainRequest) == 48);

// One rating for ReputationDomainRate: peer `from` had these transactions with peer `to`.
struct DomainRating {
    uint32_t from { 0 };
    uint32_t to { 0 };
    uint32_t satisfied { 0 };
    uint32_t unsatisfied { 0 };
};
static_assert(sizeof(DomainRating) == 16);

// ReputationDomainJudge's rule: a peer with at least min_ratings ratings about it and trust
// below fraction_of_mean_ppm of the mean is quarantined (pre-trusted peers never are).
struct QuarantinePolicy {
    uint32_t fraction_of_mean_ppm { 0 };
    uint32_t reserved { 0 }; // must be 0
    uint64_t min_ratings { 0 };
};
static_assert(sizeof(QuarantinePolicy) == 16);

constexpr uint32_t reputation_domain_max_peers = 16'385;
constexpr uint32_t reputation_domain_max_feedback_slots = 1u << 20;
constexpr uint32_t reputation_domain_max_pretrusted = 4;
constexpr uint32_t reputation_domain_max_live = 256;
constexpr uint32_t reputation_domain_max_batch = 65'536;
constexpr uint32_t reputation_domain_max_steps = 1'000;
constexpr Rights reputation_domain_rights = Rights::Read | Rights::Rate | Rights::Govern | Rights::Duplicate | Rights::Transfer;

constexpr int64_t encode_error(Error error) { return -static_cast<int64_t>(error); }
constexpr bool is_error_value(int64_t value) { return value < 0; }
constexpr Error decode_error(int64_t value) { return static_cast<Error>(-value); }

} // namespace gehri::abi

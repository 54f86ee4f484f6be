#include <kernel/collective/CreditLedger.h>
#include <kernel/collective/DeclaredResources.h>
#include <kernel/collective/LeaseManager.h>
#include <kernel/collective/PolicyEnforcer.h>
#include <kernel/collective/ProposalBoard.h>
#include <kernel/collective/Reputation.h>
#include <kernel/govern/BootPolicy.h>
#include <kernel/govern/Collective.h>
#include <kernel/govern/CollectiveServices.h>
#include <kernel/govern/Governance.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Optional.h>
#include <kernel/lib/Sort.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/Agent.h>
#include <kernel/object/KillableWait.h>
#include <kernel/sched/KernelScheduler.h>
#include <new>

namespace gehri::govern {

using namespace collective;
using namespace internal;

namespace {

// Per-agent records start with room for first_agents and double, up to max_collective_agents at once;
// the feedback graph starts at first_feedback_slots and doubles up to max_feedback_slots
// (7/8 usable: ~458,000 rated pairs, 112 per agent at 4,096 agents, 8 MiB).
constexpr size_t first_agents = 64;
constexpr size_t first_feedback_slots = 512;
constexpr size_t auction_slots = 8;
// A timer round queues at most max(notice_budget, one proposal's) events (every elector and
// the proposer), leaving the rest of the outbox's ring to the round's other acts.
constexpr size_t notice_budget = 1000;
static_assert(notice_budget <= KernelOutbox::capacity / 2);
// Larger electorates are quiet (told nothing per elector): one opening or outcome fits.
static_assert(abi::proposal_notified_electorate + 1 <= KernelOutbox::capacity - notice_budget);
// Each board slot's share of the static pool; larger electorates get heap storage.
constexpr size_t pooled_electors = 16;
constexpr size_t bids_per_auction = 16;
// What the policy sees award auctions as (`deny bid task:award`, say).
constexpr StringView award_item = "task:award";

struct Storage {
    PolicyRule rules[16];
    CosignRule cosigns[4];
    AuctionSlot auctions[auction_slots];
    SealedBid bids[auction_slots * bids_per_auction];
    Award awards[bids_per_auction];
    ProposalSlot proposals[proposal_slots];
    ProposalResult results[recent_results];
    Elector electors[proposal_slots * pooled_electors];
    ResourceSlot resources[4 + Policy::max_resources]; // the built-in ones, then the declared
    LeaseSlot leases[32];
    WaiterSlot waiters[32];
};

Storage s_storage;
bool s_policy_refused = false;
alignas(Services) uint8_t s_services_space[sizeof(Services)];
Services* s_services = nullptr;

constexpr size_t min(size_t a, size_t b) { return a < b ? a : b; }
// Serializes every service above; never held while acting (the outbox performs after it).
Spinlock s_lock;
sched::WaitQueue s_event_posted;

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

// Room for `agents` reputation records and credit accounts (index: 2x, under the 7/8 load).
Result<void> grow_reputation(AgentStorage& storage, Reputation& reputation, size_t agents)
{
    auto peers = TRY(HeapArray<ReputationPeer>::create(agents));
    auto trust = TRY(HeapArray<PeerTrust>::create(agents));
    auto index = TRY(HeapArray<HashSlot<uint32_t>>::create(2 * agents));
    TRY(reputation.grow({ peers.span(), trust.span(), storage.feedback.span(), index.span() }));
    storage.peers = std::move(peers);
    storage.trust = std::move(trust);
    storage.index = std::move(index);
    return {};
}

Result<void> grow_accounts(AgentStorage& storage, CreditLedger& ledger, size_t agents)
{
    auto accounts = TRY(HeapArray<CreditAccount>::create(agents));
    auto index = TRY(HeapArray<HashSlot<uint32_t>>::create(2 * agents));
    TRY(ledger.grow(accounts.span(), index.span()));
    storage.accounts = std::move(accounts);
    storage.account_index = std::move(index);
    return {};
}

// The feedback graph doubles when full, up to max_feedback_slots; past that a report on a new
// pair is refused (OutOfMemory) while reports on pairs already rated still count.
Result<void> ensure_feedback_room(AgentStorage& storage, Reputation& reputation)
{
    if (reputation.has_feedback_room() || storage.feedback.size() >= max_feedback_slots)
        return {};
    auto feedback = TRY(HeapArray<FeedbackSlot>::create(storage.feedback.size() * 2));
    TRY(reputation.grow({ storage.peers.span(), storage.trust.span(), feedback.span(), storage.index.span() }));
    storage.feedback = std::move(feedback);
    return {};
}

// A member of a `pretrust group` joins EigenTrust's pre-trusted set as it enrolls (a full
// recomputation, once per such agent). Past Reputation::max_pretrusted it is enrolled unanchored.
void anchor_if_pretrusted(Services& all, AgentId agent, StringView group, Nanoseconds now)
{
    if (group.is_empty() || !all.policy.is_pretrusted(group))
        return;
    if (auto anchored = all.reputation->add_pretrusted(agent, now); anchored.is_error())
        log::warn("govern: agent {} of pre-trusted group {} is not anchored ({})", agent, group, error_name(anchored.error()));
}

Result<void> enroll_locked(Services& all, AgentId agent, Nanoseconds now, StringView group = {})
{
    if (!all.reputation->is_registered(agent)) {
        // Departed agents' records give way before the tables grow (Reputation::depart).
        size_t count = all.reputation->agent_count();
        size_t live = count - all.reputation->departed_count();
        if (live >= max_collective_agents)
            return Error::OutOfMemory;
        if (count == all.reputation->capacity() && all.reputation->departed_count() == 0)
            TRY(grow_reputation(all.agents, *all.reputation, min(2 * count, max_collective_agents)));
        TRY(all.reputation->register_agent(agent, now));
        anchor_if_pretrusted(all, agent, group, now);
    }
    if (!all.ledger->has_account(agent)) {
        size_t open = all.ledger->open_accounts();
        if (open == all.ledger->capacity())
            TRY(grow_accounts(all.agents, *all.ledger, min(2 * open, max_collective_agents)));
        TRY(all.ledger->open_account(agent, now));
    }
    return {};
}

// Cut off (isolated by the console, or quarantined by its reputation), it takes no part in
// proposals, votes, auctions or leases until a human or a vote lifts that.
bool is_cut_off_locked(Services& all, object::Agent& agent) { return agent.is_isolated() || all.reputation->is_quarantined(agent.id()); }

// Isolation and quarantine, enrollment and the policy, in that order: a cut-off agent leaves
// no trace.
Result<void> admit_locked(Services& all, object::Agent& agent, PolicyVerb verb, StringView object, Nanoseconds now)
{
    if (is_cut_off_locked(all, agent))
        return Error::AccessDenied;
    TRY(enroll_locked(all, agent.id(), now, agent.name()));
    return all.enforcer->check({ agent.id(), agent.name() }, { verb, object }, now);
}

StringView bounded(const char* text, size_t capacity)
{
    size_t length = 0;
    while (length < capacity && text[length] != '\0')
        ++length;
    return { text, length };
}

Result<Threshold> threshold_of(uint32_t raw)
{
    switch (static_cast<abi::ProposalThreshold>(raw)) {
    case abi::ProposalThreshold::SimpleMajority: return Threshold::simple_majority();
    case abi::ProposalThreshold::TwoThirds: return Threshold::supermajority(2, 3);
    case abi::ProposalThreshold::Unanimity: return Threshold::unanimity();
    }
    return Error::InvalidArgument;
}

Result<Weighting> weighting_of(uint32_t raw)
{
    switch (static_cast<abi::ProposalWeighting>(raw)) {
    case abi::ProposalWeighting::OneAgentOneVote: return Weighting::OneAgentOneVote;
    case abi::ProposalWeighting::ReputationWeighted: return Weighting::ReputationWeighted;
    case abi::ProposalWeighting::Given: return Weighting::Given;
    }
    return Error::InvalidArgument;
}

// The boot image's policy, or the built-in one. A refused file stops the swarm, not the
// kernel: the services still run (under the built-in policy, with no agent to apply it to)
// so that the console and break-glass keep working.
Result<Policy> choose_policy(AuditTrail& trail, const boot::Initrd* initrd, Storage& storage)
{
    Diagnostic diagnostic;
    auto loaded = load_boot_policy(initrd, storage.rules, storage.cosigns, trail, diagnostic);
    if (loaded.is_ok()) {
        auto& policy = loaded.value().policy;
        if (loaded.value().origin == PolicyOrigin::BootImage)
            log::info("govern: policy {} loaded: {} rules", boot_policy_path, directive_count(policy));
        else
            log::info("govern: no {} in the boot image; the built-in policy applies ({} rules)", boot_policy_path, directive_count(policy));
        return policy;
    }
    log::error("govern: {}", diagnostic.message());
    log::error("govern: the policy file was refused; the swarm will not start (fix {} in the boot image)", boot_policy_path);
    s_policy_refused = true;
    Diagnostic builtin;
    auto fallback = load_policy(false, {}, storage.rules, storage.cosigns, trail, builtin);
    if (fallback.is_error()) {
        log::error("govern: {}", builtin.message());
        return fallback.error();
    }
    return fallback.value().policy;
}

// The policy's `resource` lines, after the built-in resources (whose indices agents rely on).
// One that cannot be added (it names a built-in resource) refuses the file like a parse
// error: the swarm does not start.
void add_policy_resources(AuditTrail& trail, LeaseManager& leases, const Policy& policy)
{
    Diagnostic diagnostic;
    if (add_declared_resources(leases, policy, boot_policy_path, diagnostic).is_ok())
        return;
    log::error("govern: {}", diagnostic.message());
    log::error("govern: the policy file was refused; the swarm will not start (fix {} in the boot image)", boot_policy_path);
    (void)refuse_policy(trail, diagnostic);
    s_policy_refused = true;
}

} // namespace

namespace internal {

Services& services()
{
    VERIFY(s_services != nullptr);
    return *s_services;
}

Spinlock& service_lock() { return s_lock; }

uint64_t service_now() { return now_ns(); }

void after_service_call(Services& all)
{
    all.outbox.perform_pending();
    sched::kernel_scheduler().wake_all(s_event_posted);
    effect_changed();
}

} // namespace internal

Result<void> initialize_collective(AuditTrail& trail, KernelOutbox& outbox, uint64_t now, const boot::Initrd* initrd)
{
    if (s_services != nullptr)
        return Error::AlreadyExists;
    auto& storage = s_storage;
    auto policy = choose_policy(trail, initrd, storage);
    if (policy.is_error())
        return policy.error();
    // Services are built in place: the enforcer and the lease manager keep references.
    auto* all = new (s_services_space) Services(trail, outbox, policy.release_value());
    auto& agents = all->agents;
    agents.peers = TRY(HeapArray<ReputationPeer>::create(first_agents));
    agents.trust = TRY(HeapArray<PeerTrust>::create(first_agents));
    agents.feedback = TRY(HeapArray<FeedbackSlot>::create(first_feedback_slots));
    agents.index = TRY(HeapArray<HashSlot<uint32_t>>::create(2 * first_agents));
    agents.accounts = TRY(HeapArray<CreditAccount>::create(first_agents));
    agents.account_index = TRY(HeapArray<HashSlot<uint32_t>>::create(2 * first_agents));
    all->reputation.emplace(TRY(Reputation::create({}, { agents.peers.span(), agents.trust.span(), agents.feedback.span(), agents.index.span() }, trail, all->recorder, now)));
    all->enforcer.emplace(PolicyEnforcer(all->policy, trail, &*all->reputation));
    CreditConfig credit;
    if (all->policy.credit_limit().amount != 0) {
        credit.spend_limit = all->policy.credit_limit().amount;
        credit.spend_window = all->policy.credit_limit().window;
    }
    all->ledger.emplace(TRY(CreditLedger::create(credit, { agents.accounts.span(), storage.auctions, storage.bids, storage.awards, agents.account_index.span() }, trail, all->recorder)));
    ProposalBoardConfig board;
    if (all->policy.proposal_limit() != 0)
        board.max_open_per_agent = all->policy.proposal_limit();
    board.max_notified_electorate = abi::proposal_notified_electorate;
    all->board.emplace(TRY(ProposalBoard::create(board, storage.proposals, storage.electors, trail, all->recorder, &*all->reputation)));
    all->board->keep_results(storage.results);
    all->appeals.emplace(QuarantineAppeals(*all->board, *all->reputation));
    all->leases.emplace(TRY(LeaseManager::create({ storage.resources, storage.leases, storage.waiters }, trail, all->recorder, &*all->ledger, &*all->board)));
    for (StringView name : leasable_resources) {
        ResourceSpec spec;
        spec.name = name;
        TRY(all->leases->add_resource(spec));
    }
    ResourceSpec reserved;
    reserved.name = "kernel:watchdog";
    TRY(all->leases->add_resource(reserved));
    // Without it LeaseFlags::Shared could never be granted: every other resource is exclusive.
    ResourceSpec shared;
    shared.name = shared_resource;
    shared.max_shared = shared_resource_holders;
    TRY(all->leases->add_resource(shared));
    add_policy_resources(trail, *all->leases, all->policy);
    __atomic_store_n(&s_services, all, __ATOMIC_RELEASE);
    return {};
}

bool policy_refused() { return s_policy_refused; }

bool collective_ready() { return __atomic_load_n(&s_services, __ATOMIC_ACQUIRE) != nullptr; }

void collective_advance(uint64_t now)
{
    if (!collective_ready())
        return;
    auto& all = services();
    // Rounds, the outbox drained after each, so that it holds one round's events at a time.
    for (bool done = false; !done;) {
        {
            InterruptSafeGuard guard(s_lock);
            done = all.board->advance(now, notice_budget);
            all.ledger->advance(now);
            all.awards.advance(now);
            all.leases->advance(now);
        }
        all.outbox.perform_pending();
        sched::kernel_scheduler().wake_all(s_event_posted);
    }
}

uint64_t collective_next_deadline()
{
    if (!collective_ready())
        return UINT64_MAX;
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    uint64_t next = all.board->next_deadline();
    uint64_t ledger = all.ledger->next_deadline();
    uint64_t leases = all.leases->next_deadline();
    uint64_t awards = all.awards.next_deadline();
    next = ledger < next ? ledger : next;
    next = awards < next ? awards : next;
    return leases < next ? leases : next;
}

void collective_agent_exited(AgentId agent)
{
    if (!collective_ready())
        return;
    locked([agent](Services& all, Nanoseconds now) {
        all.leases->agent_exited(agent, now);
        (void)all.ledger->close_account(agent); // NotFound: it never took part
        (void)all.reputation->depart(agent); // forgotten when its slot is needed
        all.awards.auctioneer_exited(agent);
        return 0;
    });
    events().forget(agent);
}

namespace {

// What ProposalRequest asks, as a spec (the labels in `options`); the deadline, co-sign and
// electorate storage are filled under the lock.
Result<ProposalSpec> spec_of(const abi::ProposalRequest& request, StringView (&options)[abi::proposal_max_options])
{
    if (request.option_count < 2 || request.option_count > abi::proposal_max_options || (request.flags & ~uint32_t(abi::ProposalFlags::All)) != 0)
        return Error::InvalidArgument;
    for (size_t i = 0; i < request.option_count; ++i)
        options[i] = bounded(request.options[i], sizeof(request.options[i]));
    ProposalSpec spec;
    spec.kind = bounded(request.kind, sizeof(request.kind));
    spec.question = bounded(request.question, sizeof(request.question));
    spec.options = Span<const StringView>(options, request.option_count);
    spec.threshold = TRY(threshold_of(request.threshold));
    spec.weighting = TRY(weighting_of(request.weighting));
    spec.quiet = (request.flags & uint32_t(abi::ProposalFlags::Quiet)) != 0;
    return spec;
}

// Frees the heap electorates of proposals the board has settled.
void free_settled_electorates(Services& all)
{
    for (auto& entry : all.group_electorates) {
        if (entry.proposal != 0 && all.board->find(entry.proposal) == nullptr) {
            entry.proposal = 0;
            entry.electors = {};
        }
    }
}

// An unused heap electorate entry. There is one: entries in use belong to open proposals, and
// a board slot is left for this one.
GroupElectorate& free_group_electorate(Services& all)
{
    free_settled_electorates(all);
    for (auto& entry : all.group_electorates) {
        if (entry.proposal == 0)
            return entry;
    }
    PANIC("govern: every heap electorate is in use");
}

// Keeps a heap electorate with its proposal (if it is still open: one settled at once is freed
// with its storage here).
void keep_electorate(Services& all, ProposalId id, HeapArray<Elector>& electors)
{
    if (electors.size() == 0 || all.board->find(id) == nullptr)
        return;
    GroupElectorate& entry = free_group_electorate(all);
    entry.proposal = id;
    entry.electors = std::move(electors);
}

// Electors that have not called the collective yet are enrolled (`fresh`, those alive): the
// board leaves out whoever the reputation service does not know, so they would silently lose
// their vote. `group` anchors pre-trusted members as their own calls would.
Result<ProposalId> open_locked(Services& all, object::Agent& agent, ProposalSpec& spec, uint64_t period_ns, Span<const AgentId> electorate,
    Span<const AgentId> fresh, StringView group, Nanoseconds now)
{
    TRY(admit_locked(all, agent, PolicyVerb::Propose, spec.kind, now));
    for (AgentId elector : fresh)
        TRY(enroll_locked(all, elector, now, group));
    if (period_ns == 0 || period_ns > UINT64_MAX - now)
        return Error::InvalidArgument;
    spec.deadline = now + period_ns;
    spec.requires_cosign = all.policy.requires_cosign(spec.kind);
    if (spec.kind == lift_quarantine_kind)
        return all.appeals->open(agent.id(), spec, electorate, now);
    return all.board->open(agent.id(), spec, electorate, now);
}

// The electors that name living agents, into `live` (as large as the electorate): one pass
// over the agents (sorted) and a binary search per elector, where find() would be a pass each.
Result<size_t> living_electors(Span<const AgentId> electorate, Span<AgentId> live)
{
    size_t agents = object::Agent::living_ids({});
    // Room for agents made meanwhile; those beyond it are new, and no elector named them.
    auto ids = TRY(HeapArray<AgentId>::create(agents + 64));
    agents = min(object::Agent::living_ids(ids.span()), ids.size());
    Span<AgentId> known = ids.span().first(agents);
    heap_sort(known, [](AgentId a, AgentId b) { return a < b; });
    size_t count = 0;
    for (AgentId elector : electorate) {
        size_t at = lower_bound(known, elector, [](AgentId id, AgentId wanted) { return id < wanted; });
        if (at < known.size() && known[at] == elector)
            live[count++] = elector;
    }
    return count;
}

// Up to pooled_electors electors use the board's pool; more get heap storage (with the list of
// the live ones), kept while the proposal is open.
Result<uint64_t> open_explicit(object::Agent& agent, const abi::ProposalRequest& request, ProposalSpec& spec, Span<const AgentId> electorate)
{
    if (electorate.is_empty() || electorate.size() > abi::proposal_max_electorate)
        return Error::InvalidArgument;
    AgentId pooled_live[pooled_electors] {};
    HeapArray<AgentId> heap_live;
    HeapArray<Elector> electors;
    Span<AgentId> live(pooled_live, pooled_electors);
    if (electorate.size() > pooled_electors) {
        heap_live = TRY(HeapArray<AgentId>::create(electorate.size()));
        electors = TRY(HeapArray<Elector>::create(electorate.size()));
        live = heap_live.span();
        spec.elector_storage = electors.span();
    }
    // Looked up before the service lock, which must not nest the agent registry's.
    size_t live_count = electorate.size() > pooled_electors ? TRY(living_electors(electorate, live)) : 0;
    if (electorate.size() <= pooled_electors) {
        for (AgentId elector : electorate) {
            if (object::Agent::find(elector) != nullptr)
                live[live_count++] = elector;
        }
    }
    return locked([&](Services& all, Nanoseconds now) -> Result<uint64_t> {
        ProposalId id = TRY(open_locked(all, agent, spec, request.voting_period_ns, electorate, live.first(live_count), {}, now));
        keep_electorate(all, id, electors);
        return id;
    });
}

size_t s_group_electorate_limit = abi::proposal_max_group_electorate;

// The group's members are found (outside the service lock) and given heap storage, which the
// services keep while the proposal lives.
Result<uint64_t> open_for_group(object::Agent& agent, const abi::ProposalRequest& request, ProposalSpec& spec)
{
    StringView group = bounded(request.group, sizeof(request.group));
    size_t count = object::Agent::find_group(group, {});
    if (count > __atomic_load_n(&s_group_electorate_limit, __ATOMIC_RELAXED))
        return Error::QuotaExceeded;
    if (count == 0)
        return Error::InvalidArgument; // nobody to vote
    auto members = TRY(HeapArray<AgentId>::create(count));
    size_t found = object::Agent::find_group(group, members.span());
    count = found < count ? found : count; // members that ended meanwhile
    if (count == 0)
        return Error::InvalidArgument;
    auto electors = TRY(HeapArray<Elector>::create(count));
    spec.elector_storage = electors.span();
    Span<const AgentId> electorate(members.span().data(), count);
    return locked([&](Services& all, Nanoseconds now) -> Result<uint64_t> {
        ProposalId id = TRY(open_locked(all, agent, spec, request.voting_period_ns, electorate, electorate, group, now));
        keep_electorate(all, id, electors);
        return id;
    });
}

} // namespace

Result<uint64_t> open_proposal(object::Agent& agent, const abi::ProposalRequest& request, Span<const AgentId> electorate, Span<const uint64_t> weights)
{
    StringView options[abi::proposal_max_options];
    ProposalSpec spec = TRY(spec_of(request, options));
    // Given weights name explicit electors, one each; no other weighting takes any.
    if (spec.weighting == Weighting::Given ? (request.group[0] != '\0' || weights.size() != electorate.size()) : !weights.is_empty())
        return Error::InvalidArgument;
    spec.weights = weights;
    if (request.group[0] != '\0')
        return open_for_group(agent, request, spec);
    return open_explicit(agent, request, spec, electorate);
}

Result<void> vote(object::Agent& agent, ProposalId id, uint32_t option)
{
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        const ProposalSlot* slot = all.board->find(id);
        if (slot == nullptr)
            return all.recorder.find(id) || all.board->recent(id) ? Error::TimedOut : Error::NotFound;
        TRY(admit_locked(all, agent, PolicyVerb::Vote, slot->kind.view(), now));
        Ballot ballot = option == abi::ballot_abstain ? Ballot::abstain() : Ballot::for_option(option);
        TRY(all.board->vote(agent.id(), id, ballot, now));
        free_settled_electorates(all);
        return {};
    });
}

size_t set_group_electorate_limit(size_t limit)
{
    return __atomic_exchange_n(&s_group_electorate_limit, limit < abi::proposal_max_group_electorate ? limit : abi::proposal_max_group_electorate, __ATOMIC_RELAXED);
}

Result<void> close_proposal(object::Agent& agent, ProposalId id)
{
    // Ending one's own vote early is always allowed, cut off or not (like letting a lease go).
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        TRY(all.board->close(agent.id(), id, now));
        free_settled_electorates(all);
        return {};
    });
}

namespace {

void copy_counts(const ProposalCounts& from, abi::ProposalCounts& to)
{
    for (size_t i = 0; i < abi::proposal_max_options; ++i)
        to.option_weight[i] = from.option_weight[i];
    to.cast_weight = from.cast_weight;
    to.abstained_weight = from.abstained_weight;
    to.electorate_weight = from.electorate_weight;
    to.ballots = static_cast<uint32_t>(from.ballots);
    to.electorate = static_cast<uint32_t>(from.electorate);
}

} // namespace

Result<abi::ProposalStatus> proposal_status(ProposalId id, abi::ProposalCounts* counts)
{
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    abi::ProposalStatus status;
    if (counts)
        *counts = {};
    if (const ProposalSlot* slot = all.board->find(id)) {
        status.state = static_cast<uint32_t>(slot->state == ProposalSlot::State::AwaitingCosign ? abi::ProposalState::AwaitingCosign : abi::ProposalState::Voting);
        if (counts)
            copy_counts(ProposalCounts::of(*slot->tally), *counts);
        return status;
    }
    status.state = static_cast<uint32_t>(abi::ProposalState::Settled);
    // The board's results also hold proposals nobody was told of (a quiet one of the kernel's).
    if (const ProposalResult* settled = all.board->recent(id)) {
        if (counts)
            copy_counts(settled->counts, *counts);
        status.verdict = static_cast<uint32_t>(settled->verdict);
        status.option = settled->verdict == Verdict::Tie ? settled->tied_options : settled->option;
        return status;
    }
    const Event* decided = all.recorder.find(id);
    if (decided == nullptr)
        return Error::NotFound;
    status.verdict = static_cast<uint32_t>(decided->detail);
    status.option = static_cast<uint32_t>(decided->detail2);
    return status;
}

Result<uint64_t> acquire_lease(object::Agent& agent, StringView resource, uint64_t term_ns, bool shared, uint64_t bid)
{
    return locked([&](Services& all, Nanoseconds now) -> Result<uint64_t> {
        uint32_t index = TRY(all.leases->find_resource(resource));
        TRY(admit_locked(all, agent, PolicyVerb::Lease, resource, now));
        // The kernel gives the priority (Priority rule): the more urgent the class, the higher.
        uint32_t priority = 3 - static_cast<uint32_t>(agent.priority_class());
        auto acquired = TRY(all.leases->acquire(agent.id(), index, { shared, term_ns, priority, bid }, now));
        return acquired.granted ? acquired.lease : 0;
    });
}

Result<void> renew_lease(object::Agent& agent, LeaseId lease, uint64_t term_ns)
{
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        if (is_cut_off_locked(all, agent))
            return Error::AccessDenied;
        return all.leases->renew(agent.id(), lease, term_ns, now);
    });
}

Result<void> release_lease(object::Agent& agent, LeaseId lease)
{
    // Letting go is always allowed, isolated or not.
    return locked([&](Services& all, Nanoseconds now) { return all.leases->release(agent.id(), lease, now); });
}

namespace {

// Award auctions post no events and apply no effects: a call that succeeds leaves nothing for
// after_service_call to do, and waking the govern thread for each of a swarm's thousands of
// bids would cost a context switch apiece. A refusal may have (a policy denial lowers the
// agent's standing, which can quarantine it), and so may a new deadline (the govern thread
// must look at it): those take the full path.
template<typename Body>
auto quietly_locked(Body body, bool changes_deadlines = false)
{
    auto& all = services();
    auto result = [&] {
        InterruptSafeGuard guard(s_lock);
        return body(all, now_ns());
    }();
    if (result.is_error() || changes_deadlines)
        after_service_call(all);
    return result;
}

// An award auction ranks the auctioneer's own task: it takes no credit and gives no effect, so
// opening it and bidding in it need no credit account (nor a reputation record): only that the
// agent is not cut off and that the policy lets it.
Result<uint64_t> open_award_auction(object::Agent& agent, const abi::AuctionRequest& request)
{
    if (request.value != 0 || request.term_ns != 0 || request.reserved != 0 || request.max_bids == 0)
        return Error::InvalidArgument;
    if (request.pricing > static_cast<uint32_t>(abi::AuctionPricing::SecondPrice))
        return Error::InvalidArgument;
    AwardSpec spec;
    spec.units = request.units;
    spec.reserve_price = request.reserve_price;
    spec.pricing = request.pricing == 0 ? Pricing::FirstPrice : Pricing::SecondPrice;
    spec.max_bids = request.max_bids;
    return quietly_locked([&](Services& all, Nanoseconds now) -> Result<uint64_t> {
        if (is_cut_off_locked(all, agent))
            return Error::AccessDenied;
        TRY(all.enforcer->check({ agent.id(), agent.name() }, { PolicyVerb::Propose, award_item }, now));
        if (request.closes_in_ns != 0) {
            if (request.closes_in_ns > UINT64_MAX - now)
                return Error::InvalidArgument;
            spec.closes_at = now + request.closes_in_ns;
        }
        return TRY(all.awards.open(agent.id(), spec, now));
    }, request.closes_in_ns != 0);
}

Result<void> award_bid(object::Agent& agent, AuctionId id, uint64_t amount)
{
    return quietly_locked([&](Services& all, Nanoseconds now) -> Result<void> {
        if (is_cut_off_locked(all, agent))
            return Error::AccessDenied;
        TRY(all.enforcer->check({ agent.id(), agent.name() }, { PolicyVerb::Bid, award_item }, now));
        return all.awards.bid(agent.id(), id, amount);
    });
}

} // namespace

Result<uint64_t> open_auction(object::Agent& agent, const abi::AuctionRequest& request)
{
    AuctionSpec spec;
    switch (static_cast<abi::AuctionEffect>(request.effect)) {
    case abi::AuctionEffect::SchedulingWeight:
        if (request.value == 0 || request.value > sched::max_weight)
            return Error::OutOfRange;
        spec.effect = EffectKind::SchedulingWeight;
        spec.item = "sched:weight";
        break;
    case abi::AuctionEffect::MemoryQuota:
        spec.effect = EffectKind::MemoryQuota;
        spec.item = "memory:quota";
        break;
    case abi::AuctionEffect::Award:
        return open_award_auction(agent, request);
    default:
        return Error::InvalidArgument;
    }
    if (request.pricing > static_cast<uint32_t>(abi::AuctionPricing::SecondPrice) || request.max_bids != 0 || request.reserved != 0)
        return Error::InvalidArgument;
    spec.auction.pricing = request.pricing == 0 ? Pricing::FirstPrice : Pricing::SecondPrice;
    spec.auction.units = request.units;
    spec.auction.reserve_price = request.reserve_price;
    spec.value = request.value;
    spec.term = request.term_ns;
    return locked([&](Services& all, Nanoseconds now) -> Result<uint64_t> {
        TRY(admit_locked(all, agent, PolicyVerb::Propose, spec.item, now));
        if (request.closes_in_ns == 0 || request.closes_in_ns > UINT64_MAX - now)
            return Error::InvalidArgument;
        spec.closes_at = now + request.closes_in_ns;
        return TRY(all.ledger->open_auction(spec, now));
    });
}

Result<void> bid(object::Agent& agent, AuctionId id, uint64_t amount)
{
    if (AwardAuctions::is_award_id(id))
        return award_bid(agent, id, amount);
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        const AuctionSlot* slot = all.ledger->find_auction(id);
        if (slot == nullptr)
            return Error::NotFound;
        TRY(admit_locked(all, agent, PolicyVerb::Bid, StringView(slot->item, slot->item_length), now));
        return all.ledger->bid(agent.id(), id, amount, now);
    });
}

// The auctioneer's own calls on its award auctions: allowed while it is cut off too (closing
// and reading what was decided change nobody's standing). Ids of the credit ledger's auctions
// are NotFound here.
Result<size_t> settle_auction(object::Agent& agent, AuctionId id)
{
    return quietly_locked([&](Services& all, Nanoseconds now) { return all.awards.settle(agent.id(), id, now); });
}

Result<size_t> auction_awards(object::Agent& agent, AuctionId id, Span<abi::AuctionAward> out)
{
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    Span<const Award> winners = TRY(all.awards.winners(agent.id(), id));
    if (out.size() < winners.size())
        return Error::BufferTooSmall;
    for (size_t i = 0; i < winners.size(); ++i)
        out[i] = { winners[i].bidder, winners[i].price };
    return winners.size();
}

Result<bool> exclude_bidder(object::Agent& agent, AuctionId id, AgentId bidder)
{
    InterruptSafeGuard guard(s_lock);
    return services().awards.exclude(agent.id(), id, bidder);
}

Result<void> report_feedback(object::Agent& agent, AgentId ratee, uint32_t satisfied, uint32_t unsatisfied)
{
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        if (agent.is_isolated())
            return Error::AccessDenied;
        TRY(enroll_locked(all, agent.id(), now, agent.name()));
        TRY(ensure_feedback_room(all.agents, *all.reputation));
        TRY(all.reputation->report(agent.id(), ratee, satisfied, unsatisfied, now));
        (void)all.reputation->update(now);
        return {};
    });
}

Result<void> supervise_quarantine(object::Agent& supervisor, object::Agent& target, bool on, StringView reason)
{
    if (!collective_ready())
        return Error::NotSupported;
    if (&supervisor == &target)
        return Error::InvalidArgument;
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        // Under the service lock: an ending agent is marked exited before it departs from the
        // reputation (Agent::on_thread_reaped), so a record enrolled here departs with it.
        if (target.has_exited())
            return Error::NotFound;
        if (!on)
            return all.reputation->lift_imposed(target.id(), supervisor.id(), now);
        TRY(enroll_locked(all, target.id(), now, target.name()));
        return all.reputation->impose(target.id(), supervisor.id(), reason, now);
    });
}

Result<void> take_event(object::Thread& caller, abi::CollectiveEvent& out, uint64_t deadline_ns)
{
    auto& queues = events();
    AgentId id = caller.agent().id();
    TRY(object::wait_killably(s_event_posted, [&] { return queues.pending(id) > 0; }, deadline_ns, &caller));
    Event event;
    if (queues.take(id, Span<Event>(&event, 1)) == 0)
        return Error::TimedOut; // another thread of the agent took it
    uint64_t lost = queues.take_lost(id);
    out = { static_cast<uint32_t>(event.kind), lost > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(lost), event.subject, event.detail, event.detail2 };
    return {};
}

Result<void> collective_enroll(AgentId agent)
{
    if (!collective_ready())
        return Error::NotSupported;
    return locked([agent](Services& all, Nanoseconds now) { return enroll_locked(all, agent, now); });
}

Result<void> collective_rate(AgentId rater, AgentId ratee, uint32_t satisfied, uint32_t unsatisfied)
{
    if (!collective_ready())
        return Error::NotSupported;
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        TRY(enroll_locked(all, rater, now));
        TRY(ensure_feedback_room(all.agents, *all.reputation));
        TRY(all.reputation->report(rater, ratee, satisfied, unsatisfied, now));
        (void)all.reputation->update(now);
        return {};
    });
}

CollectiveStatistics collective_statistics()
{
    if (!collective_ready())
        return {};
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    return { all.reputation->agent_count() - all.reputation->departed_count(), all.reputation->departed_count(), all.reputation->capacity(), all.ledger->open_accounts(),
        all.reputation->feedback_edges(), all.reputation->feedback_slots(), all.agents.bytes(), events().queue_count(),
        all.awards.open_count(), all.awards.settled_count(), all.awards.bytes() };
}

bool collective_is_quarantined(AgentId agent)
{
    if (!collective_ready())
        return false;
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    return all.reputation->is_quarantined(agent);
}

uint64_t collective_vote_weight(AgentId agent)
{
    if (!collective_ready())
        return 0;
    auto& all = services();
    InterruptSafeGuard guard(s_lock);
    return all.reputation->vote_weight(agent);
}

uint64_t policy_denials()
{
    if (!collective_ready())
        return 0;
    InterruptSafeGuard guard(s_lock);
    return services().enforcer->denials();
}

} // namespace gehri::govern

#include <kernel/collective/LeaseManager.h>
#include <kernel/lib/Format.h>

namespace gehri::collective {

using audit::Field;
using audit::RecordKind;

StringView lease_end_name(LeaseEnd end)
{
    switch (end) {
    case LeaseEnd::Released: return "released";
    case LeaseEnd::Expired: return "expired";
    case LeaseEnd::HolderDied: return "holder_died";
    case LeaseEnd::Outbid: return "outbid";
    case LeaseEnd::Refused: return "refused";
    }
    return "unknown";
}

namespace {

StringView rule_name(ContentionRule rule)
{
    switch (rule) {
    case ContentionRule::FirstCome: return "first_come";
    case ContentionRule::Priority: return "priority";
    case ContentionRule::Auction: return "auction";
    case ContentionRule::GroupVote: return "group_vote";
    }
    return "unknown";
}

} // namespace

Result<LeaseManager> LeaseManager::create(const LeaseStorage& storage, AuditTrail& audit, Outbox& outbox,
    CreditLedger* ledger, ProposalBoard* board)
{
    if (storage.resources.is_empty() || storage.leases.is_empty() || storage.resources.size() >= UINT32_MAX)
        return Error::InvalidArgument;
    for (auto& resource : storage.resources)
        resource.used = false;
    for (auto& lease : storage.leases)
        lease.id = 0;
    for (auto& waiter : storage.waiters)
        waiter.used = false;
    return LeaseManager(storage, audit, outbox, ledger, board);
}

Result<uint32_t> LeaseManager::add_resource(const ResourceSpec& spec)
{
    if (spec.name.is_empty() || spec.max_term == 0 || spec.max_shared == 0)
        return Error::InvalidArgument;
    bool rounds = spec.rule == ContentionRule::Auction || spec.rule == ContentionRule::GroupVote;
    if ((spec.rule == ContentionRule::Auction && !m_ledger) || (rounds && spec.round_length == 0))
        return Error::InvalidArgument;
    if (spec.rule == ContentionRule::GroupVote && (!m_board || spec.group.is_empty()))
        return Error::InvalidArgument;
    if (spec.group.size() > ResourceSlot::max_group)
        return Error::OutOfRange;
    if (find_resource(spec.name).is_ok())
        return Error::AlreadyExists;
    for (uint32_t index = 0; index < m_resources.size(); ++index) {
        ResourceSlot& slot = m_resources[index];
        if (slot.used)
            continue;
        slot.name = TRY(decltype(slot.name)::from(spec.name));
        slot.rule = spec.rule;
        slot.max_shared = spec.max_shared;
        slot.max_term = spec.max_term;
        slot.reserve_price = spec.reserve_price;
        slot.round_length = spec.round_length;
        slot.group_size = spec.group.size();
        for (size_t i = 0; i < spec.group.size(); ++i)
            slot.group[i] = spec.group[i];
        slot.round = 0;
        slot.vote = 0;
        slot.used = true;
        return index;
    }
    return Error::OutOfMemory;
}

Result<uint32_t> LeaseManager::find_resource(StringView name) const
{
    for (uint32_t index = 0; index < m_resources.size(); ++index) {
        if (m_resources[index].used && m_resources[index].name == name)
            return index;
    }
    return Error::NotFound;
}

size_t LeaseManager::holders(uint32_t resource) const
{
    size_t count = 0;
    for (const auto& lease : m_leases)
        count += lease.id != 0 && lease.resource == resource;
    return count;
}

size_t LeaseManager::waiting(uint32_t resource) const
{
    size_t count = 0;
    for (const auto& waiter : m_waiters)
        count += waiter.used && waiter.resource == resource;
    return count;
}

bool LeaseManager::holds(AgentId agent, uint32_t resource) const
{
    for (const auto& lease : m_leases) {
        if (lease.id != 0 && lease.resource == resource && lease.holder == agent)
            return true;
    }
    return false;
}

const LeaseSlot* LeaseManager::find_lease(LeaseId id) const
{
    for (const auto& lease : m_leases) {
        if (id != 0 && lease.id == id)
            return &lease;
    }
    return nullptr;
}

WaiterSlot* LeaseManager::waiter_of(uint32_t resource, AgentId agent)
{
    for (auto& waiter : m_waiters) {
        if (waiter.used && waiter.resource == resource && waiter.agent == agent)
            return &waiter;
    }
    return nullptr;
}

// Exclusive needs the resource free; shared needs no exclusive holder and room.
bool LeaseManager::compatible(uint32_t resource, bool shared) const
{
    size_t count = 0;
    for (const auto& lease : m_leases) {
        if (lease.id == 0 || lease.resource != resource)
            continue;
        if (!shared || !lease.shared)
            return false;
        ++count;
    }
    return !shared || count < m_resources[resource].max_shared;
}

Result<LeaseId> LeaseManager::grant(uint32_t resource, AgentId agent, const LeaseRequest& request, Nanoseconds now)
{
    for (auto& lease : m_leases) {
        if (lease.id != 0)
            continue;
        lease = { m_next_lease++, resource, agent, request.shared, now + request.term };
        m_audit.record(RecordKind::LeaseGranted, agent, {
            Field::integer("lease", lease.id),
            Field::string("resource", m_resources[resource].name.view()),
            Field::string("mode", request.shared ? "shared" : "exclusive"),
            Field::string("rule", rule_name(m_resources[resource].rule)),
            Field::integer("expires_ns", lease.expires_at),
        });
        m_outbox.notify(Event { agent, EventKind::LeaseGranted, lease.id, resource, lease.expires_at });
        return lease.id;
    }
    return Error::OutOfMemory;
}

Result<AcquireResult> LeaseManager::acquire(AgentId agent, uint32_t resource, const LeaseRequest& request, Nanoseconds now)
{
    if (resource >= m_resources.size() || !m_resources[resource].used)
        return Error::NotFound;
    ResourceSlot& slot = m_resources[resource];
    if (request.term == 0 || (request.shared && slot.max_shared < 2))
        return Error::InvalidArgument;
    if (request.term > slot.max_term)
        return Error::OutOfRange;
    if (holds(agent, resource) || waiter_of(resource, agent))
        return Error::AlreadyExists;
    // The rule only decides under contention: a free resource nobody waits for is granted.
    if (waiting(resource) == 0 && compatible(resource, request.shared)) {
        auto lease = grant(resource, agent, request, now);
        if (lease.is_ok())
            return AcquireResult { true, lease.value() };
        // No lease slot: queue like any other contender.
    }
    WaiterSlot* free = nullptr;
    for (auto& waiter : m_waiters) {
        if (!waiter.used) {
            free = &waiter;
            break;
        }
    }
    if (!free)
        return Error::QueueFull;
    if (slot.rule == ContentionRule::Auction)
        TRY(join_round(slot, resource, agent, request.bid, now));
    *free = { true, resource, agent, request, m_next_sequence++, false };
    grant_waiting(resource, now);
    if (const WaiterSlot* still = waiter_of(resource, agent); !still)
        return AcquireResult { holds(agent, resource), 0 }; // granted right away after all
    return AcquireResult { false, 0 };
}

Result<void> LeaseManager::join_round(ResourceSlot& slot, uint32_t resource, AgentId agent, uint64_t bid, Nanoseconds now)
{
    (void)resource;
    // Refuse a bid that cannot stand before opening a round for it, so a hostile agent cannot
    // fill the ledger and the audit log with empty rounds.
    if (!m_ledger->has_account(agent))
        return Error::NotFound;
    if (bid == 0)
        return Error::InvalidArgument;
    if (bid < slot.reserve_price)
        return Error::OutOfRange;
    if (bid > m_ledger->available(agent, now))
        return Error::QuotaExceeded;
    bool opened = false;
    if (slot.round == 0) {
        AuctionSpec spec;
        spec.auction = AuctionConfig { Pricing::SecondPrice, 1, slot.reserve_price, TieBreak::EarlierBid };
        spec.closes_at = now + slot.round_length;
        spec.listener = this;
        spec.item = slot.name.view();
        slot.round = TRY(m_ledger->open_auction(spec, now));
        opened = true;
    }
    auto placed = m_ledger->bid(agent, slot.round, bid, now);
    if (placed.is_error() && opened) {
        // Nobody is in the round we just opened: close it rather than leave it dangling.
        AuctionId round = slot.round;
        slot.round = 0;
        (void)m_ledger->close_now(round, now);
    }
    return placed;
}

void LeaseManager::start_vote(ResourceSlot& slot, uint32_t resource, Nanoseconds now)
{
    if (slot.vote != 0)
        return;
    // Someone already picked, or nobody to choose between: no vote.
    size_t count = 0;
    for (const auto& waiter : m_waiters) {
        if (waiter.used && waiter.resource == resource) {
            if (waiter.next)
                return;
            ++count;
        }
    }
    if (count < 2)
        return;
    // The oldest waiters are the candidates, option i for candidates[i].
    char labels[ProposalBoard::max_options][24];
    StringView options[ProposalBoard::max_options];
    size_t options_count = 0;
    const WaiterSlot* previous = nullptr;
    while (options_count < ProposalBoard::max_options) {
        const WaiterSlot* oldest = nullptr;
        for (const auto& waiter : m_waiters) {
            if (!waiter.used || waiter.resource != resource || (previous && waiter.sequence <= previous->sequence))
                continue;
            if (!oldest || waiter.sequence < oldest->sequence)
                oldest = &waiter;
        }
        if (!oldest)
            break;
        BufferSink sink(labels[options_count], sizeof(labels[0]));
        format_to(sink, "agent {}", oldest->agent);
        options[options_count] = sink.view();
        slot.candidates[options_count++] = oldest->agent;
        previous = oldest;
    }
    ProposalSpec spec;
    spec.kind = "lease";
    spec.question = slot.name.view();
    spec.options = { options, options_count };
    spec.deadline = now + slot.round_length;
    spec.listener = this;
    // The board settles at once an electorate that cannot vote (all quarantined), calling
    // proposal_settled() before open() returns: m_opening tells it which resource that is.
    m_opening = resource;
    auto opened = m_board->open(kernel_agent, spec, { slot.group, slot.group_size }, now);
    m_opening = no_resource;
    if (opened.is_ok()) {
        if (m_board->find(opened.value()))
            slot.vote = opened.value();
        return;
    }
    // The board is full: fall back to first come rather than stall the resource.
    WaiterSlot* oldest = nullptr;
    for (auto& waiter : m_waiters) {
        if (waiter.used && waiter.resource == resource && (!oldest || waiter.sequence < oldest->sequence))
            oldest = &waiter;
    }
    if (oldest)
        oldest->next = true;
}

WaiterSlot* LeaseManager::pick(uint32_t resource)
{
    const ResourceSlot& slot = m_resources[resource];
    WaiterSlot* best = nullptr;
    size_t count = 0;
    auto better = [&](const WaiterSlot& a, const WaiterSlot& b) {
        if (a.next != b.next)
            return a.next;
        if (slot.rule == ContentionRule::Priority && a.request.priority != b.request.priority)
            return a.request.priority > b.request.priority;
        return a.sequence < b.sequence;
    };
    for (auto& waiter : m_waiters) {
        if (!waiter.used || waiter.resource != resource)
            continue;
        ++count;
        if (!best || better(waiter, *best))
            best = &waiter;
    }
    if (!best || best->next)
        return best;
    // Auction: only a round's winner goes next. GroupVote: a lone waiter needs no vote.
    if (slot.rule == ContentionRule::Auction || (slot.rule == ContentionRule::GroupVote && count > 1))
        return nullptr;
    return best;
}

void LeaseManager::grant_waiting(uint32_t resource, Nanoseconds now)
{
    bool vote_tried = false;
    for (;;) {
        WaiterSlot* waiter = pick(resource);
        if (!waiter && m_resources[resource].rule == ContentionRule::GroupVote && !vote_tried) {
            // Several wait and nobody is picked: the group decides who is next (or, if the
            // vote settles at once or cannot be held, someone is picked right here).
            vote_tried = true;
            start_vote(m_resources[resource], resource, now);
            continue;
        }
        if (!waiter || !compatible(resource, waiter->request.shared))
            return;
        if (grant(resource, waiter->agent, waiter->request, now).is_error())
            return; // every lease slot is taken: wait for one to end
        waiter->used = false;
    }
}

Result<void> LeaseManager::renew(AgentId agent, LeaseId id, Nanoseconds term, Nanoseconds now)
{
    LeaseSlot* lease = const_cast<LeaseSlot*>(find_lease(id));
    if (!lease || lease->holder != agent)
        return Error::NotFound;
    if (term == 0 || term > m_resources[lease->resource].max_term)
        return Error::OutOfRange;
    if (waiting(lease->resource) > 0)
        return Error::Busy;
    lease->expires_at = now + term;
    m_audit.record(RecordKind::LeaseGranted, agent, {
        Field::integer("lease", lease->id),
        Field::string("resource", m_resources[lease->resource].name.view()),
        Field::string("mode", lease->shared ? "shared" : "exclusive"),
        Field::integer("renewal", 1),
        Field::integer("expires_ns", lease->expires_at),
    });
    return {};
}

void LeaseManager::end_lease(LeaseSlot& lease, LeaseEnd end, Nanoseconds)
{
    m_audit.record(RecordKind::LeaseLost, lease.holder, {
        Field::integer("lease", lease.id),
        Field::string("resource", m_resources[lease.resource].name.view()),
        Field::string("reason", lease_end_name(end)),
    });
    if (end == LeaseEnd::Expired)
        m_outbox.notify(Event { lease.holder, EventKind::LeaseLost, lease.id, lease.resource, static_cast<uint64_t>(end) });
    // However the lease ended, the waiters hear it before the next grant.
    tell_waiters(lease.resource);
    lease.id = 0;
}

void LeaseManager::tell_waiters(uint32_t resource)
{
    for (const auto& waiter : m_waiters) {
        if (waiter.used && waiter.resource == resource)
            m_outbox.notify(Event { waiter.agent, EventKind::ResourceFreed, resource });
    }
}

void LeaseManager::drop_waiter(WaiterSlot& waiter, LeaseEnd why)
{
    waiter.used = false;
    if (why != LeaseEnd::HolderDied)
        m_outbox.notify(Event { waiter.agent, EventKind::LeaseRequestDropped, waiter.resource, static_cast<uint64_t>(why) });
}

Result<void> LeaseManager::release(AgentId agent, LeaseId id, Nanoseconds now)
{
    LeaseSlot* lease = const_cast<LeaseSlot*>(find_lease(id));
    if (!lease || lease->holder != agent)
        return Error::NotFound;
    uint32_t resource = lease->resource;
    end_lease(*lease, LeaseEnd::Released, now);
    grant_waiting(resource, now);
    return {};
}

size_t LeaseManager::agent_exited(AgentId agent, Nanoseconds now)
{
    for (auto& waiter : m_waiters) {
        if (waiter.used && waiter.agent == agent)
            drop_waiter(waiter, LeaseEnd::HolderDied);
    }
    size_t lost = 0;
    for (auto& lease : m_leases) {
        if (lease.id != 0 && lease.holder == agent) {
            end_lease(lease, LeaseEnd::HolderDied, now);
            ++lost;
        }
    }
    for (uint32_t resource = 0; resource < m_resources.size(); ++resource) {
        if (m_resources[resource].used)
            grant_waiting(resource, now);
    }
    return lost;
}

void LeaseManager::advance(Nanoseconds now)
{
    for (auto& lease : m_leases) {
        if (lease.id != 0 && now >= lease.expires_at)
            end_lease(lease, LeaseEnd::Expired, now);
    }
    for (uint32_t resource = 0; resource < m_resources.size(); ++resource) {
        if (m_resources[resource].used)
            grant_waiting(resource, now);
    }
}

Nanoseconds LeaseManager::next_deadline() const
{
    Nanoseconds next = UINT64_MAX;
    for (const auto& lease : m_leases) {
        if (lease.id != 0 && lease.expires_at < next)
            next = lease.expires_at;
    }
    return next;
}

void LeaseManager::auction_settled(AuctionId id, Span<const Award> awards, Nanoseconds now)
{
    for (uint32_t resource = 0; resource < m_resources.size(); ++resource) {
        ResourceSlot& slot = m_resources[resource];
        if (!slot.used || slot.round != id)
            continue;
        slot.round = 0;
        WaiterSlot* winner = awards.is_empty() ? nullptr : waiter_of(resource, awards[0].bidder);
        // Everyone else in the round lost it (the ledger has refunded them) and leaves the queue.
        for (auto& waiter : m_waiters) {
            if (!waiter.used || waiter.resource != resource || waiter.next)
                continue;
            if (&waiter == winner)
                waiter.next = true;
            else
                drop_waiter(waiter, LeaseEnd::Outbid);
        }
        grant_waiting(resource, now);
        return;
    }
}

void LeaseManager::proposal_settled(const ProposalResult& result, Nanoseconds now)
{
    uint32_t resource = m_opening;
    for (uint32_t index = 0; index < m_resources.size(); ++index) {
        if (m_resources[index].used && m_resources[index].vote == result.id)
            resource = index;
    }
    if (resource == no_resource)
        return;
    ResourceSlot& slot = m_resources[resource];
    slot.vote = 0;
    WaiterSlot* chosen = nullptr;
    if (result.verdict == Verdict::Decided)
        chosen = waiter_of(resource, slot.candidates[result.option]);
    if (!chosen) {
        // No decision, or the winner has gone: first come among those still waiting.
        for (auto& waiter : m_waiters) {
            if (waiter.used && waiter.resource == resource && (!chosen || waiter.sequence < chosen->sequence))
                chosen = &waiter;
        }
    }
    if (chosen)
        chosen->next = true;
    if (m_opening == no_resource)
        grant_waiting(resource, now);
}

} // namespace gehri::collective

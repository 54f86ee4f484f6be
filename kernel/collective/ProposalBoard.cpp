#include <kernel/collective/ProposalBoard.h>

namespace gehri::collective {

using audit::Field;
using audit::RecordKind;

StringView verdict_name(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Decided: return "decided";
    case Verdict::NoQuorum: return "no_quorum";
    case Verdict::Tie: return "tie";
    case Verdict::NoMajority: return "no_majority";
    case Verdict::CosignRefused: return "cosign_refused";
    case Verdict::CosignExpired: return "cosign_expired";
    }
    return "unknown";
}

namespace {

Verdict verdict_of(OutcomeKind kind)
{
    switch (kind) {
    case OutcomeKind::Decided: return Verdict::Decided;
    case OutcomeKind::NoQuorum: return Verdict::NoQuorum;
    case OutcomeKind::Tie: return Verdict::Tie;
    case OutcomeKind::NoMajority:
    case OutcomeKind::Undecided: break;
    }
    return Verdict::NoMajority;
}

} // namespace

ProposalCounts ProposalCounts::of(const Tally& tally)
{
    ProposalCounts counts;
    for (uint32_t option = 0; option < tally.config().option_count && option < 8; ++option)
        counts.option_weight[option] = tally.option_weight(option);
    counts.cast_weight = tally.participating_weight();
    counts.abstained_weight = tally.abstained_weight();
    counts.electorate_weight = tally.electorate_weight();
    counts.ballots = tally.ballots_cast();
    counts.electorate = tally.electorate_size();
    return counts;
}

Result<ProposalBoard> ProposalBoard::create(const ProposalBoardConfig& config, Span<ProposalSlot> slots,
    Span<Elector> electors, AuditTrail& audit, Outbox& outbox, const Standing* standing)
{
    if (slots.is_empty() || electors.size() < slots.size() || config.max_open_per_agent == 0 || config.max_voting_period == 0)
        return Error::InvalidArgument;
    size_t capacity = electors.size() / slots.size();
    for (size_t i = 0; i < slots.size(); ++i) {
        slots[i].state = ProposalSlot::State::Free;
        slots[i].id = 0;
        slots[i].tally.reset();
        slots[i].pool_share = electors.slice(i * capacity, capacity);
        slots[i].electors = slots[i].pool_share;
    }
    return ProposalBoard(config, slots, capacity, audit, outbox, standing);
}

Result<void> ProposalBoard::check_spec(AgentId proposer, const ProposalSpec& spec, size_t electorate_size, Nanoseconds now) const
{
    if (spec.options.size() < 2 || spec.options.size() > max_options || spec.kind.is_empty() || electorate_size == 0)
        return Error::InvalidArgument;
    if (spec.weighting == Weighting::ReputationWeighted && !m_standing)
        return Error::InvalidArgument;
    if (spec.weighting == Weighting::Given ? spec.weights.size() != electorate_size : !spec.weights.is_empty())
        return Error::InvalidArgument;
    if (spec.deadline <= now)
        return Error::InvalidArgument;
    if (spec.deadline - now > m_config.max_voting_period || electorate_size > capacity_for(spec))
        return Error::OutOfRange;
    if (proposer != kernel_agent && open_by(proposer) >= m_config.max_open_per_agent)
        return Error::QuotaExceeded;
    return {};
}

size_t ProposalBoard::capacity_for(const ProposalSpec& spec) const
{
    return spec.elector_storage.is_empty() ? m_electorate_capacity : spec.elector_storage.size();
}

ProposalSlot* ProposalBoard::free_slot()
{
    for (auto& candidate : m_slots) {
        if (candidate.state == ProposalSlot::State::Free)
            return &candidate;
    }
    return nullptr;
}

Result<void> ProposalBoard::fill_slot(ProposalSlot& slot, AgentId proposer, const ProposalSpec& spec)
{
    slot.kind = TRY(decltype(slot.kind)::from(spec.kind));
    slot.question = TRY(decltype(slot.question)::from(spec.question));
    for (size_t i = 0; i < spec.options.size(); ++i)
        slot.options[i] = TRY(FixedName<24>::from(spec.options[i]));
    slot.option_count = static_cast<uint32_t>(spec.options.size());
    slot.proposer = proposer;
    slot.requires_cosign = spec.requires_cosign;
    slot.quiet = spec.quiet;
    slot.listener = spec.listener;
    slot.outcome = {};
    slot.cosign_deadline = 0;
    slot.electors = spec.elector_storage.is_empty() ? slot.pool_share : spec.elector_storage;
    return {};
}

// Copies the eligible electors into the slot and returns how many there are. Agents that may
// not vote (quarantined) are left out here, so they are not counted in quorums either.
Result<size_t> ProposalBoard::fill_electorate(ProposalSlot& slot, const ProposalSpec& spec, Span<const AgentId> electorate) const
{
    size_t count = 0;
    for (size_t i = 0; i < electorate.size(); ++i) {
        AgentId id = electorate[i];
        if (m_standing && !m_standing->may_vote(id))
            continue;
        uint64_t weight = 1;
        if (spec.weighting == Weighting::ReputationWeighted)
            weight = m_standing->vote_weight(id);
        else if (spec.weighting == Weighting::Given)
            weight = spec.weights[i];
        slot.electors[count++] = Elector { id, weight, 0 };
    }
    return count;
}

Result<ProposalId> ProposalBoard::open(AgentId proposer, const ProposalSpec& spec, Span<const AgentId> electorate, Nanoseconds now)
{
    TRY(check_spec(proposer, spec, electorate.size(), now));
    ProposalSlot* slot = free_slot();
    if (!slot)
        return Error::OutOfMemory;
    TRY(fill_slot(*slot, proposer, spec));
    size_t eligible = TRY(fill_electorate(*slot, spec, electorate));
    TallyConfig config { slot->option_count, spec.weighting, spec.threshold, spec.quorum, spec.deadline };
    auto tally = TRY(Tally::create(config, slot->electors.first(eligible)));
    slot->tally.emplace(std::move(tally));
    slot->quiet = spec.quiet || eligible > m_config.max_notified_electorate;
    slot->id = m_next_id++;
    slot->state = ProposalSlot::State::Voting;
    record_opening(*slot, spec.deadline);
    notify_all(*slot, Event { 0, EventKind::ProposalOpened, slot->id });
    ProposalId id = slot->id;
    // An electorate left empty (everyone quarantined) or one that cannot vote anything into
    // effect is settled at once rather than left to the deadline.
    settle_if_final(*slot, now);
    return id;
}

void ProposalBoard::record_opening(const ProposalSlot& slot, Nanoseconds deadline)
{
    m_audit.record(RecordKind::ProposalOpened, slot.proposer, {
        Field::integer("proposal", slot.id),
        Field::string("kind", slot.kind.view()),
        Field::string("question", slot.question.view()),
        Field::integer("options", slot.option_count),
        Field::integer("electorate", slot.tally->electorate_size()),
        Field::integer("weight", slot.tally->electorate_weight()),
        Field::integer("deadline_ns", deadline),
        Field::integer("cosign", slot.requires_cosign ? 1 : 0),
    });
}

ProposalSlot* ProposalBoard::find_slot(ProposalId id)
{
    if (id == 0)
        return nullptr;
    for (auto& slot : m_slots) {
        if (slot.state != ProposalSlot::State::Free && slot.id == id)
            return &slot;
    }
    return nullptr;
}

const ProposalSlot* ProposalBoard::find(ProposalId id) const { return const_cast<ProposalBoard*>(this)->find_slot(id); }

void ProposalBoard::keep_results(Span<ProposalResult> storage)
{
    for (auto& result : storage)
        result = {};
    m_recent = storage;
    m_next_recent = 0;
}

const ProposalResult* ProposalBoard::recent(ProposalId id) const
{
    if (id == 0)
        return nullptr;
    for (const auto& result : m_recent) {
        if (result.id == id)
            return &result;
    }
    return nullptr;
}

Result<void> ProposalBoard::vote(AgentId voter, ProposalId id, Ballot ballot, Nanoseconds now)
{
    if (id == 0 || id >= m_next_id)
        return Error::NotFound;
    ProposalSlot* slot = find_slot(id);
    if (!slot || slot->state != ProposalSlot::State::Voting)
        return Error::TimedOut; // it existed, and its vote is over
    if (m_standing && !m_standing->may_vote(voter))
        return Error::AccessDenied;
    TRY(slot->tally->cast(voter, ballot, now));
    settle_if_final(*slot, now);
    return {};
}

Result<void> ProposalBoard::close(AgentId requester, ProposalId id, Nanoseconds now)
{
    if (id == 0 || id >= m_next_id)
        return Error::NotFound;
    ProposalSlot* slot = find_slot(id);
    if (!slot)
        return Error::TimedOut; // it existed, and its vote is over
    if (slot->proposer != requester)
        return Error::AccessDenied;
    if (slot->state != ProposalSlot::State::Voting)
        return Error::TimedOut;
    // The outcome at the deadline: final, whoever has not voted.
    settle(*slot, slot->tally->evaluate(slot->tally->config().deadline), now);
    return {};
}

void ProposalBoard::settle_if_final(ProposalSlot& slot, Nanoseconds now)
{
    Outcome outcome = slot.tally->evaluate(now);
    if (!outcome.is_final())
        return;
    settle(slot, outcome, now);
}

void ProposalBoard::settle(ProposalSlot& slot, const Outcome& outcome, Nanoseconds now)
{
    slot.outcome = outcome;
    if (outcome.kind == OutcomeKind::Decided && slot.requires_cosign) {
        // The vote is over; the result waits for the human at the console.
        slot.state = ProposalSlot::State::AwaitingCosign;
        slot.cosign_deadline = now + m_config.cosign_window;
        if (slot.proposer != kernel_agent)
            m_outbox.notify(Event { slot.proposer, EventKind::CosignRequired, slot.id, outcome.option });
        return;
    }
    finish(slot, verdict_of(outcome.kind), now);
}

Result<void> ProposalBoard::cosign(ProposalId id, bool approve, Nanoseconds now)
{
    ProposalSlot* slot = find_slot(id);
    if (!slot || slot->state != ProposalSlot::State::AwaitingCosign)
        return Error::NotFound;
    const Outcome& outcome = slot->outcome;
    m_audit.record(RecordKind::Cosign, slot->proposer, {
        Field::integer("proposal", slot->id),
        Field::string("kind", slot->kind.view()),
        Field::string("decision", approve ? "approved" : "vetoed"),
        Field::string("by", "human"),
        Field::string("option", slot->options[outcome.option].view()),
        Field::integer("waited_ns", now - (slot->cosign_deadline - m_config.cosign_window)),
    });
    finish(*slot, approve ? Verdict::Decided : Verdict::CosignRefused, now);
    return {};
}

bool ProposalBoard::is_due(const ProposalSlot& slot, Nanoseconds now) const
{
    if (slot.state == ProposalSlot::State::Voting)
        return slot.tally->evaluate(now).is_final();
    return slot.state == ProposalSlot::State::AwaitingCosign && now >= slot.cosign_deadline;
}

bool ProposalBoard::advance(Nanoseconds now, size_t notice_budget)
{
    size_t notices = 0;
    for (auto& slot : m_slots) {
        if (!is_due(slot, now))
            continue;
        size_t these = notices_of(slot);
        if (notices > 0 && notices + these > notice_budget)
            return false;
        notices += these;
        if (slot.state == ProposalSlot::State::Voting)
            settle_if_final(slot, now);
        else
            finish(slot, Verdict::CosignExpired, now);
    }
    return true;
}

Nanoseconds ProposalBoard::next_deadline() const
{
    Nanoseconds next = UINT64_MAX;
    for (const auto& slot : m_slots) {
        Nanoseconds due = UINT64_MAX;
        if (slot.state == ProposalSlot::State::Voting)
            due = slot.tally->config().deadline;
        else if (slot.state == ProposalSlot::State::AwaitingCosign)
            due = slot.cosign_deadline;
        if (due < next)
            next = due;
    }
    return next;
}

// The events an opening or an outcome sends: every elector and the proposer, or the proposer
// alone for a quiet proposal.
size_t ProposalBoard::notices_of(const ProposalSlot& slot) const { return slot.quiet ? 1 : slot.tally->electorate_size() + 1; }

void ProposalBoard::notify_all(const ProposalSlot& slot, const Event& event)
{
    Event copy = event;
    bool proposer_votes = false;
    for (const auto& elector : slot.electors.first(slot.quiet ? 0 : slot.tally->electorate_size())) {
        copy.recipient = elector.id;
        proposer_votes |= elector.id == slot.proposer;
        m_outbox.notify(copy);
    }
    if (!proposer_votes && slot.proposer != kernel_agent) {
        copy.recipient = slot.proposer;
        m_outbox.notify(copy);
    }
}

void ProposalBoard::finish(ProposalSlot& slot, Verdict verdict, Nanoseconds now)
{
    const Tally& tally = *slot.tally;
    Outcome outcome = slot.outcome;
    uint64_t winner_weight = outcome.kind == OutcomeKind::Decided ? tally.option_weight(outcome.option) : 0;
    m_audit.record(RecordKind::ProposalOutcome, slot.proposer, {
        Field::integer("proposal", slot.id),
        Field::string("outcome", verdict_name(verdict)),
        Field::string("option", outcome.kind == OutcomeKind::Decided ? slot.options[outcome.option].view() : StringView()),
        Field::integer("tied", outcome.tied_options),
        Field::integer("for_weight", winner_weight),
        Field::integer("cast_weight", tally.participating_weight()),
        Field::integer("ballots", tally.ballots_cast()),
        Field::integer("electorate", tally.electorate_size()),
    });
    uint64_t detail2 = outcome.kind == OutcomeKind::Tie ? outcome.tied_options : outcome.option;
    notify_all(slot, Event { 0, EventKind::ProposalDecided, slot.id, static_cast<uint64_t>(verdict), detail2 });

    ProposalResult result { slot.id, verdict, outcome.option, outcome.tied_options, ProposalCounts::of(tally) };
    if (!m_recent.is_empty()) {
        m_recent[m_next_recent] = result;
        m_next_recent = (m_next_recent + 1) % m_recent.size();
    }
    DecisionListener* listener = slot.listener;
    slot.state = ProposalSlot::State::Free;
    slot.tally.reset();
    if (listener)
        listener->proposal_settled(result, now);
}

size_t ProposalBoard::open_count() const
{
    size_t count = 0;
    for (const auto& slot : m_slots)
        count += slot.state != ProposalSlot::State::Free;
    return count;
}

size_t ProposalBoard::open_by(AgentId proposer) const
{
    size_t count = 0;
    for (const auto& slot : m_slots)
        count += slot.state != ProposalSlot::State::Free && slot.proposer == proposer;
    return count;
}

} // namespace gehri::collective

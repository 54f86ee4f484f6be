#include <kernel/collective/Reputation.h>
#include <kernel/collective/TrustWeights.h>
#include <kernel/lib/WideArithmetic.h>
#include <kernel/log/Panic.h>

namespace gehri::collective {

using audit::Field;
using audit::RecordKind;

Result<Reputation> Reputation::create(const ReputationConfig& config, const ReputationStorage& storage,
    AuditTrail& audit, Outbox& outbox, Nanoseconds now)
{
    if (storage.peers.is_empty() || storage.trust.size() != storage.peers.size())
        return Error::InvalidArgument;
    if (config.max_transactions_per_report == 0 || config.denials_per_halving == 0)
        return Error::InvalidArgument;
    if (storage.index.size() < 2 || storage.peers.size() > storage.index.size() - storage.index.size() / 8 - 1)
        return Error::InvalidArgument;
    auto trust = TRY(EigenTrust::create(config.trust, storage.trust, storage.feedback));
    auto index = TRY(FixedHashMap<uint32_t>::create(storage.index));
    for (auto& peer : storage.peers) {
        peer.agent = 0;
        peer.quarantined = false;
        peer.imposed_by = 0;
        peer.immune_until = 0;
        peer.denials = 0;
        peer.reports.reset();
    }
    Reputation reputation(config, storage, trust, index, audit, outbox);
    TRY(reputation.set_pretrusted({}, now));
    return reputation;
}

Result<void> Reputation::register_agent(AgentId agent, Nanoseconds now)
{
    if (agent == kernel_agent)
        return Error::InvalidArgument;
    if (slot_of(agent))
        return Error::AlreadyExists;
    if (m_count == m_peers.size())
        TRY(forget_departed());
    auto bucket = TRY(TokenBucket::per_second(m_config.report_burst, m_config.reports_per_second, now));
    // Forgotten agents leave holes; the search starts where the last registration ended.
    uint32_t slot = 0;
    for (size_t step = 0; step < m_peers.size(); ++step) {
        slot = static_cast<uint32_t>((m_next_slot + step) % m_peers.size());
        if (m_peers[slot].agent == 0)
            break;
    }
    TRY(m_index.find_or_insert(agent, slot));
    m_next_slot = slot + 1;
    ReputationPeer& peer = m_peers[slot];
    peer.agent = agent;
    peer.published_factor = parts_per_million;
    peer.reports.emplace(std::move(bucket));
    ++m_count;
    return {};
}

Result<void> Reputation::grow(const ReputationStorage& bigger)
{
    if (bigger.peers.size() < m_peers.size() || bigger.trust.size() != bigger.peers.size())
        return Error::InvalidArgument;
    bool new_index = bigger.index.data() != m_index_slots.data();
    if (new_index && (bigger.index.size() < 2 || bigger.peers.size() > bigger.index.size() - bigger.index.size() / 8 - 1))
        return Error::InvalidArgument;
    if (!new_index && bigger.peers.size() > m_index_slots.size() - m_index_slots.size() / 8 - 1)
        return Error::InvalidArgument;
    // EigenTrust checks its table first and changes nothing on error; so nothing fails after it.
    TRY(m_trust.grow(bigger.trust, bigger.feedback));
    m_trust_storage = bigger.trust;
    if (new_index) {
        auto index = TRY(FixedHashMap<uint32_t>::create(bigger.index));
        for (uint32_t slot = 0; slot < m_peers.size(); ++slot) {
            if (m_peers[slot].agent != 0)
                (void)index.find_or_insert(m_peers[slot].agent, slot);
        }
        m_index = index;
        m_index_slots = bigger.index;
    }
    if (bigger.peers.data() != m_peers.data()) {
        for (size_t slot = 0; slot < bigger.peers.size(); ++slot) {
            ReputationPeer& target = bigger.peers[slot];
            ReputationPeer empty;
            ReputationPeer& source = slot < m_peers.size() ? m_peers[slot] : empty;
            target.agent = source.agent;
            target.departed = source.departed;
            target.quarantined = source.quarantined;
            target.imposed_by = source.imposed_by;
            target.immune_until = source.immune_until;
            target.denials = source.denials;
            target.published_factor = source.published_factor;
            target.reports.reset();
            if (source.reports.has_value())
                target.reports.emplace(std::move(*source.reports));
        }
        m_peers = bigger.peers;
    }
    return {};
}

Result<void> Reputation::depart(AgentId agent)
{
    const uint32_t* slot = slot_of(agent);
    if (!slot)
        return Error::NotFound;
    if (!m_peers[*slot].departed) {
        m_peers[*slot].departed = true;
        ++m_departed;
    }
    return {};
}

// The departed agents after the last ones forgotten this way, so the oldest holes go first.
Result<void> Reputation::forget_departed()
{
    uint32_t slots[forget_batch];
    size_t count = 0;
    for (size_t step = 0; step < m_peers.size() && count < forget_batch && count < m_departed; ++step) {
        size_t slot = (m_departed_cursor + step) % m_peers.size();
        if (m_peers[slot].agent != 0 && m_peers[slot].departed)
            slots[count++] = static_cast<uint32_t>(slot);
    }
    if (count == 0)
        return Error::OutOfMemory;
    m_departed_cursor = slots[count - 1] + 1;
    forget_slots({ slots, count });
    return {};
}

Result<void> Reputation::forget(AgentId agent)
{
    const uint32_t* found = slot_of(agent);
    if (!found)
        return Error::NotFound;
    uint32_t slot = *found;
    forget_slots({ &slot, 1 });
    return {};
}

void Reputation::forget_slots(Span<const uint32_t> slots)
{
    // In range and in use: the caller found them in the index.
    VERIFY(m_trust.remove_peers(slots).is_ok());
    for (uint32_t slot : slots) {
        ReputationPeer& peer = m_peers[slot];
        (void)m_index.remove(peer.agent);
        peer.agent = 0;
        if (peer.departed)
            --m_departed;
        peer.departed = false;
        peer.quarantined = false;
        peer.imposed_by = 0;
        peer.immune_until = 0;
        peer.denials = 0;
        peer.reports.reset();
        --m_count;
    }
}

Result<void> Reputation::set_pretrusted(Span<const AgentId> agents, Nanoseconds)
{
    PeerIndex indices[max_pretrusted];
    if (agents.size() > max_pretrusted)
        return Error::OutOfRange;
    size_t count = 0;
    for (AgentId agent : agents) {
        const uint32_t* slot = slot_of(agent);
        if (!slot)
            return Error::NotFound;
        indices[count++] = *slot;
    }
    TRY(m_trust.set_pretrusted({ indices, count }));
    m_last_residual = m_trust.compute().residual;
    refresh_total();
    return {};
}

Result<void> Reputation::add_pretrusted(AgentId agent, Nanoseconds now)
{
    const uint32_t* slot = slot_of(agent);
    if (!slot)
        return Error::NotFound;
    if (m_trust_storage[*slot].pretrusted)
        return {};
    AgentId anchors[max_pretrusted];
    size_t count = 0;
    for (PeerIndex index = 0; index < m_peers.size(); ++index) {
        if (m_peers[index].agent == 0 || !m_trust_storage[index].pretrusted)
            continue;
        if (count == max_pretrusted)
            return Error::OutOfRange;
        anchors[count++] = m_peers[index].agent;
    }
    if (count == max_pretrusted)
        return Error::OutOfRange;
    anchors[count++] = agent;
    return set_pretrusted({ anchors, count }, now);
}

bool Reputation::is_pretrusted(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot && m_trust_storage[*slot].pretrusted;
}

Result<void> Reputation::report(AgentId rater, AgentId ratee, uint32_t satisfied, uint32_t unsatisfied, Nanoseconds now)
{
    const uint32_t* from = slot_of(rater);
    const uint32_t* to = slot_of(ratee);
    if (!from || !to)
        return rater == ratee ? Error::InvalidArgument : Error::NotFound;
    if (rater == ratee)
        return Error::InvalidArgument;
    uint64_t transactions = static_cast<uint64_t>(satisfied) + unsatisfied;
    if (transactions == 0)
        return Error::InvalidArgument;
    if (transactions > m_config.max_transactions_per_report)
        return Error::OutOfRange;
    TRY(m_peers[*from].reports->try_charge(1, now));
    return m_trust.record_feedback(*from, *to, satisfied, unsatisfied);
}

Result<void> Reputation::penalize(AgentId agent, Nanoseconds)
{
    const uint32_t* slot = slot_of(agent);
    if (!slot)
        return Error::NotFound;
    ++m_peers[*slot].denials;
    return {};
}

uint64_t Reputation::relative_ppm(PeerIndex index) const
{
    uint64_t relative = relative_trust_ppm(m_trust_storage[index].trust, m_count, m_agent_total);
    uint64_t halvings = m_peers[index].denials / m_config.denials_per_halving;
    return halvings >= 64 ? 0 : relative >> halvings;
}

bool Reputation::below_threshold(PeerIndex index) const
{
    const PeerTrust& peer = m_trust_storage[index];
    uint64_t evidence = peer.ratings_received + m_peers[index].denials;
    if (peer.pretrusted || evidence < m_config.quarantine.min_ratings_received)
        return false;
    return relative_ppm(index) < m_config.quarantine.fraction_of_mean_ppm;
}

void Reputation::refresh_total()
{
    Trust total = 0;
    for (PeerIndex index = 0; index < m_peers.size(); ++index) {
        if (m_peers[index].agent != 0)
            total += m_trust_storage[index].trust; // a trust vector sums to at most trust_one
    }
    m_agent_total = total;
}

size_t Reputation::update(Nanoseconds now)
{
    RefineProgress progress = m_trust.refine_bounded(m_config.refine_work_per_update, m_config.refine_iterations);
    if (progress.iterations == 0)
        return 0; // the vector has not moved since the last judgment
    m_last_residual = progress.residual;
    refresh_total();
    if (!settled())
        return 0;
    size_t quarantined = 0;
    for (PeerIndex index = 0; index < m_peers.size(); ++index) {
        ReputationPeer& peer = m_peers[index];
        if (peer.agent == 0 || peer.quarantined || now < peer.immune_until || !below_threshold(index))
            continue;
        quarantine(index, now);
        ++quarantined;
    }
    publish_factors();
    return quarantined;
}

// Once an iteration changes t by at most r (L1), t is within r (1 - a) / a of the fixed point
// (docs/collective.md), so no agent's trust is off by more than that. Judging waits until that
// is at most half the quarantine threshold's distance from zero, fraction_of_mean / 2 of the
// mean trust 1/n: a vector still far from its fixed point (right after a flood of new feedback,
// or from a cold start) would condemn agents the iteration has not reached yet, and quarantine
// is sticky.
bool Reputation::settled() const
{
    if (m_count == 0)
        return true;
    uint64_t damping = m_config.trust.damping_ppm;
    uint64_t half_threshold = 0;
    uint64_t bound = 0;
    if (!multiply_divide(trust_one / m_count, m_config.quarantine.fraction_of_mean_ppm, 2 * parts_per_million, half_threshold))
        return false;
    if (!multiply_divide(half_threshold, damping, parts_per_million - damping, bound))
        return false;
    return m_last_residual <= bound;
}

Convergence Reputation::recompute()
{
    Convergence convergence = m_trust.compute();
    m_last_residual = convergence.residual;
    refresh_total();
    return convergence;
}

void Reputation::quarantine(PeerIndex index, Nanoseconds)
{
    ReputationPeer& peer = m_peers[index];
    bool told = is_cut_off(peer); // a supervisor's quarantine already told it
    peer.quarantined = true;
    const PeerTrust& trust = m_trust_storage[index];
    m_audit.record(RecordKind::Quarantine, peer.agent, {
        Field::integer("trust_ppm", trust_to_ppm(trust.trust)),
        Field::integer("relative_ppm", relative_ppm(index)),
        Field::integer("threshold_ppm", m_config.quarantine.fraction_of_mean_ppm),
        Field::integer("ratings", trust.ratings_received),
        Field::integer("denials", peer.denials),
    });
    if (!told)
        m_outbox.notify(Event { peer.agent, EventKind::Quarantined, peer.agent });
}

Result<void> Reputation::lift(AgentId agent, LiftAuthority authority, uint64_t proposal, Nanoseconds now)
{
    const uint32_t* slot = slot_of(agent);
    if ((authority == LiftAuthority::Vote) != (proposal != 0))
        return Error::InvalidArgument; // a vote names its proposal; a human names none
    if (!slot || !(authority == LiftAuthority::Human ? is_cut_off(m_peers[*slot]) : m_peers[*slot].quarantined))
        return Error::NotFound;
    ReputationPeer& peer = m_peers[*slot];
    AgentId supervisor = authority == LiftAuthority::Human ? peer.imposed_by : 0;
    peer.quarantined = false;
    if (authority == LiftAuthority::Human)
        peer.imposed_by = 0;
    peer.denials = 0;
    // Trust recovers only as new ratings arrive, so without a grace period the next update
    // would quarantine the agent again at once and make the lift meaningless.
    peer.immune_until = now + m_config.lift_grace;
    m_audit.record(RecordKind::QuarantineLifted, agent, {
        Field::string("by", authority == LiftAuthority::Human ? "human" : "vote"),
        Field::integer("proposal", proposal),
        Field::integer("trust_ppm", trust_to_ppm(m_trust_storage[*slot].trust)),
        Field::integer("immune_until", peer.immune_until),
        Field::integer("supervisor", supervisor),
    });
    if (!is_cut_off(peer))
        m_outbox.notify(Event { agent, EventKind::QuarantineLifted, agent });
    return {};
}

Result<void> Reputation::impose(AgentId agent, AgentId supervisor, StringView reason, Nanoseconds)
{
    if (agent == kernel_agent || supervisor == agent)
        return Error::InvalidArgument;
    const uint32_t* slot = slot_of(agent);
    if (!slot)
        return Error::NotFound;
    ReputationPeer& peer = m_peers[*slot];
    if (peer.imposed_by == supervisor)
        return {};
    if (peer.imposed_by != 0)
        return Error::AlreadyExists;
    bool told = is_cut_off(peer);
    peer.imposed_by = supervisor;
    m_audit.record(RecordKind::Quarantine, agent, {
        Field::string("by", "supervisor"),
        Field::integer("supervisor", supervisor),
        Field::string("reason", reason),
        Field::integer("trust_ppm", trust_to_ppm(m_trust_storage[*slot].trust)),
    });
    if (!told)
        m_outbox.notify(Event { agent, EventKind::Quarantined, agent, supervisor });
    return {};
}

Result<void> Reputation::lift_imposed(AgentId agent, AgentId supervisor, Nanoseconds)
{
    const uint32_t* slot = slot_of(agent);
    if (!slot || supervisor == 0 || m_peers[*slot].imposed_by != supervisor)
        return Error::NotFound;
    ReputationPeer& peer = m_peers[*slot];
    peer.imposed_by = 0;
    m_audit.record(RecordKind::QuarantineLifted, agent, {
        Field::string("by", "supervisor"),
        Field::integer("supervisor", supervisor),
        Field::integer("still_cut_off", peer.quarantined ? 1 : 0),
    });
    if (!peer.quarantined)
        m_outbox.notify(Event { agent, EventKind::QuarantineLifted, agent, supervisor });
    return {};
}

AgentId Reputation::imposed_by(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot ? m_peers[*slot].imposed_by : 0;
}

bool Reputation::is_quarantined_by_trust(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot && m_peers[*slot].quarantined;
}

bool Reputation::is_quarantined(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot && is_cut_off(m_peers[*slot]);
}

Trust Reputation::trust(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot ? m_trust_storage[*slot].trust : 0;
}

uint64_t Reputation::relative_trust(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot ? relative_ppm(*slot) : 0;
}

uint64_t Reputation::denials(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot ? m_peers[*slot].denials : 0;
}

uint64_t Reputation::factor_ppm(PeerIndex index) const
{
    if (m_trust_storage[index].ratings_received + m_peers[index].denials < m_config.quarantine.min_ratings_received)
        return parts_per_million;
    return standing_scheduling_weight(parts_per_million, relative_ppm(index));
}

uint64_t Reputation::scheduling_factor_ppm(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot ? factor_ppm(*slot) : parts_per_million;
}

// One pass from where the last one stopped, handing the kernel the factors that moved enough
// (hysteresis: trust drifts by small amounts on every iteration, and a weight change costs a
// pass over the agent's threads). A factor that reaches 1.0 or the floor is always handed over,
// so the steps never leave an agent slightly off either end.
void Reputation::publish_factors()
{
    size_t published = 0;
    for (size_t step = 0; step < m_peers.size() && published < m_config.weight_effects_per_update; ++step) {
        size_t index = (m_factor_cursor + step) % m_peers.size();
        ReputationPeer& peer = m_peers[index];
        if (peer.agent == 0 || peer.departed)
            continue;
        uint64_t factor = factor_ppm(static_cast<PeerIndex>(index));
        uint64_t before = peer.published_factor;
        uint64_t moved = factor > before ? factor - before : before - factor;
        bool at_end = factor == parts_per_million || factor == default_scheduling_floor_ppm;
        if (moved == 0 || (moved < m_config.weight_step_ppm && !at_end))
            continue;
        peer.published_factor = static_cast<uint32_t>(factor);
        m_audit.record(RecordKind::ResourceEffect, peer.agent, {
            Field::string("effect", "trust_weight"),
            Field::integer("factor_ppm", factor),
            Field::integer("previous_ppm", before),
            Field::integer("relative_ppm", relative_ppm(static_cast<PeerIndex>(index))),
        });
        m_outbox.apply(ResourceEffect { EffectKind::TrustWeight, peer.agent, factor, UINT64_MAX });
        ++published;
        m_factor_cursor = index + 1;
    }
}

uint64_t Reputation::scheduling_weight(AgentId agent, uint64_t base) const
{
    // Without evidence either way (unknown, or too few ratings and denials) the base weight.
    const uint32_t* slot = slot_of(agent);
    if (!slot || m_trust_storage[*slot].ratings_received + m_peers[*slot].denials < m_config.quarantine.min_ratings_received)
        return base;
    return standing_scheduling_weight(base, relative_ppm(*slot));
}

bool Reputation::may_vote(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    return slot && !is_cut_off(m_peers[*slot]);
}

uint64_t Reputation::vote_weight(AgentId agent) const
{
    const uint32_t* slot = slot_of(agent);
    if (!slot || is_cut_off(m_peers[*slot]))
        return 0;
    return standing_vote_weight(relative_ppm(*slot));
}

} // namespace gehri::collective

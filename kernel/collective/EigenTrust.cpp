#include <kernel/collective/EigenTrust.h>
#include <bit>
#include <kernel/lib/WideArithmetic.h>

namespace gehri::collective {

namespace {

constexpr uint64_t edge_key(PeerIndex from, PeerIndex to) { return (static_cast<uint64_t>(from) << 32) | to; }
constexpr PeerIndex edge_from(uint64_t key) { return static_cast<PeerIndex>(key >> 32); }
constexpr PeerIndex edge_to(uint64_t key) { return static_cast<PeerIndex>(key); }

constexpr uint64_t positive_part(Feedback feedback)
{
    return feedback.satisfied > feedback.unsatisfied ? feedback.satisfied - feedback.unsatisfied : 0;
}

constexpr uint32_t saturating_add32(uint32_t a, uint32_t b) { return a > UINT32_MAX - b ? UINT32_MAX : a + b; }

// a * b in Q2.62, rounded down.
constexpr Trust fixed_multiply(Trust a, Trust b) { return static_cast<Trust>(multiply_wide(a, b) >> trust_fraction_bits); }

} // namespace

Trust trust_from_ppm(uint64_t ppm)
{
    uint64_t result = 0;
    return multiply_divide(ppm, trust_one, parts_per_million, result) ? result : UINT64_MAX;
}

uint64_t trust_to_ppm(Trust trust)
{
    return static_cast<uint64_t>(multiply_wide(trust, parts_per_million) >> trust_fraction_bits);
}

Result<EigenTrust> EigenTrust::create(const EigenTrustConfig& config, Span<PeerTrust> peers, Span<FeedbackSlot> feedback_slots)
{
    // Indices must leave UINT32_MAX free so an edge key is never the map's empty key.
    if (peers.is_empty() || peers.size() >= UINT32_MAX)
        return Error::InvalidArgument;
    if (config.damping_ppm == 0 || config.damping_ppm >= parts_per_million)
        return Error::InvalidArgument;
    auto feedback = TRY(FixedHashMap<Feedback>::create(feedback_slots));
    for (auto& peer : peers)
        peer = {};
    EigenTrust trust(config, peers, feedback_slots, feedback);
    trust.distribute_pretrust({});
    trust.reset_to_pretrust();
    return trust;
}

// p sums to exactly trust_one: the division's remainder goes one unit each to the first
// pre-trusted peers in index order.
void EigenTrust::distribute_pretrust(Span<const PeerIndex> pretrusted)
{
    for (auto& peer : m_peers)
        peer.pretrusted = false;
    for (PeerIndex index : pretrusted)
        m_peers[index].pretrusted = true;
    distribute_pretrust_to_flagged();
}

void EigenTrust::distribute_pretrust_to_flagged()
{
    m_pretrusted_count = 0;
    for (auto& peer : m_peers)
        m_pretrusted_count += peer.pretrusted ? 1 : 0;
    bool uniform = m_pretrusted_count == 0;
    uint64_t members = uniform ? m_peers.size() : m_pretrusted_count;
    Trust share = trust_one / members;
    uint64_t leftover = trust_one % members;
    for (auto& peer : m_peers) {
        peer.pretrust = 0;
        if (uniform || peer.pretrusted) {
            peer.pretrust = share + (leftover > 0 ? 1 : 0);
            if (leftover > 0)
                --leftover;
        }
    }
}

void EigenTrust::reset_to_pretrust()
{
    for (auto& peer : m_peers)
        peer.trust = peer.pretrust;
}

Result<void> EigenTrust::set_pretrusted(Span<const PeerIndex> pretrusted)
{
    for (PeerIndex index : pretrusted) {
        if (index >= m_peers.size())
            return Error::InvalidArgument;
    }
    abandon_iteration();
    distribute_pretrust(pretrusted);
    reset_to_pretrust();
    return {};
}

Result<void> EigenTrust::record_feedback(PeerIndex from, PeerIndex to, uint32_t satisfied, uint32_t unsatisfied)
{
    if (from >= m_peers.size() || to >= m_peers.size() || from == to)
        return Error::InvalidArgument;
    bool known = m_feedback.find(edge_key(from, to)) != nullptr;
    for (size_t i = 0; i < m_pending_count && !known; ++i)
        known = m_pending[i].from == from && m_pending[i].to == to;
    if (!known && !has_room_for_edges(1))
        return Error::OutOfMemory;
    if (m_phase != Phase::Idle && m_pending_count == pending_capacity)
        abandon_iteration(); // a flood of reports outruns the iteration: start afresh
    if (m_phase == Phase::Idle) {
        TRY(apply_feedback(from, to, satisfied, unsatisfied));
    } else {
        m_pending[m_pending_count++] = { from, to, satisfied, unsatisfied };
        m_pending_new_edges += known ? 0 : 1;
    }
    PeerTrust& rated = m_peers[to];
    rated.ratings_received = saturating_add(rated.ratings_received, uint64_t { satisfied } + unsatisfied);
    return {};
}

Result<void> EigenTrust::apply_feedback(PeerIndex from, PeerIndex to, uint32_t satisfied, uint32_t unsatisfied)
{
    Feedback* feedback = TRY(m_feedback.find_or_insert(edge_key(from, to), Feedback { 0, 0 }));
    uint64_t old_positive = positive_part(*feedback);
    feedback->satisfied = saturating_add32(feedback->satisfied, satisfied);
    feedback->unsatisfied = saturating_add32(feedback->unsatisfied, unsatisfied);
    // Row sums stay exact: at most n-1 terms below 2^32 each.
    PeerTrust& rater = m_peers[from];
    rater.positive_sum = rater.positive_sum - old_positive + positive_part(*feedback);
    return {};
}

// Room was checked when each report was queued, so no insertion fails.
void EigenTrust::apply_pending()
{
    for (size_t i = 0; i < m_pending_count; ++i) {
        const PendingFeedback& pending = m_pending[i];
        (void)apply_feedback(pending.from, pending.to, pending.satisfied, pending.unsatisfied);
    }
    m_pending_count = 0;
    m_pending_new_edges = 0;
}

void EigenTrust::abandon_iteration()
{
    m_phase = Phase::Idle;
    apply_pending();
}

Feedback EigenTrust::feedback(PeerIndex from, PeerIndex to) const
{
    const Feedback* found = m_feedback.find(edge_key(from, to));
    Feedback result = found ? *found : Feedback { 0, 0 };
    for (size_t i = 0; i < m_pending_count; ++i) {
        if (m_pending[i].from == from && m_pending[i].to == to) {
            result.satisfied = saturating_add32(result.satisfied, m_pending[i].satisfied);
            result.unsatisfied = saturating_add32(result.unsatisfied, m_pending[i].unsatisfied);
        }
    }
    return result;
}

// One step of t' = (1 - a) (C^T t + d p) + a p, where d is the trust held by peers that trust
// nobody (their row of C is p), in three phases a bounded refinement can spread over calls:
// scatter (clear the sums, add up d), the edges, gather (form t'). Every product rounds down, so
// each step loses at most one unit per feedback edge and three per peer; integer sums make the
// order of the edges irrelevant.
void EigenTrust::scatter(size_t first, size_t count)
{
    for (size_t index = first; index < first + count; ++index) {
        PeerTrust& peer = m_peers[index];
        peer.next = 0;
        if (peer.positive_sum == 0)
            m_dangling += peer.trust;
    }
}

void EigenTrust::spread_edge(uint64_t key, const Feedback& feedback)
{
    uint64_t positive = positive_part(feedback);
    if (positive == 0)
        return;
    const PeerTrust& rater = m_peers[edge_from(key)];
    // positive <= rater.positive_sum, so the quotient is at most rater.trust.
    UInt128 weighted = multiply_wide(positive, rater.trust);
    m_peers[edge_to(key)].next += divide_narrow(high_half(weighted), low_half(weighted), rater.positive_sum).quotient;
}

void EigenTrust::gather(size_t first, size_t count)
{
    Trust keep = trust_one - m_damping;
    for (size_t index = first; index < first + count; ++index) {
        PeerTrust& peer = m_peers[index];
        Trust spread = peer.next + fixed_multiply(m_dangling, peer.pretrust);
        Trust updated = fixed_multiply(keep, spread) + fixed_multiply(m_damping, peer.pretrust);
        m_residual += updated > peer.trust ? updated - peer.trust : peer.trust - updated;
        peer.trust = updated;
    }
}

Trust EigenTrust::iterate_once()
{
    m_dangling = 0;
    m_residual = 0;
    scatter(0, m_peers.size());
    m_feedback.for_each([this](uint64_t key, const Feedback& feedback) { spread_edge(key, feedback); });
    gather(0, m_peers.size());
    return m_residual;
}

Convergence EigenTrust::iterate(uint32_t max_iterations)
{
    abandon_iteration();
    Convergence result { 0, 0, false };
    while (result.iterations < max_iterations) {
        result.residual = iterate_once();
        ++result.iterations;
        if (result.residual <= m_config.epsilon) {
            result.converged = true;
            break;
        }
    }
    return result;
}

Convergence EigenTrust::compute()
{
    abandon_iteration();
    reset_to_pretrust();
    return iterate(m_config.max_iterations);
}

Convergence EigenTrust::refine(uint32_t max_iterations)
{
    return iterate(max_iterations);
}

RefineProgress EigenTrust::refine_bounded(uint64_t work_budget, uint32_t max_iterations)
{
    RefineProgress progress { 0, 0, 0, false };
    size_t peers = m_peers.size();
    while (progress.work < work_budget && progress.iterations < max_iterations) {
        uint64_t left = work_budget - progress.work;
        switch (m_phase) {
        case Phase::Idle:
            m_dangling = 0;
            m_residual = 0;
            m_cursor = 0;
            m_phase = Phase::Scatter;
            break;
        case Phase::Scatter: {
            size_t count = left < peers - m_cursor ? left : peers - m_cursor;
            scatter(m_cursor, count);
            m_cursor += count;
            progress.work += count;
            if (m_cursor == peers) {
                m_phase = Phase::Edges;
                m_cursor = 0;
            }
            break;
        }
        case Phase::Edges: {
            size_t slots = m_feedback.slot_count();
            size_t count = left < slots - m_cursor ? left : slots - m_cursor;
            m_feedback.for_each_in(m_cursor, count, [this](uint64_t key, const Feedback& feedback) { spread_edge(key, feedback); });
            m_cursor += count;
            progress.work += count;
            if (m_cursor == slots) {
                m_phase = Phase::Gather;
                m_cursor = 0;
            }
            break;
        }
        case Phase::Gather: {
            // Whole, never split: between calls the vector must be one iterate, not a mix of two
            // (the owner reads it). So a call may exceed its budget by up to one peer pass.
            gather(0, peers);
            progress.work += peers;
            m_phase = Phase::Idle;
            apply_pending();
            ++progress.iterations;
            progress.residual = m_residual;
            if (m_residual <= m_config.epsilon) {
                progress.converged = true;
                return progress;
            }
            break;
        }
        }
    }
    return progress;
}

Result<void> EigenTrust::remove_peer(PeerIndex peer)
{
    return remove_peers({ &peer, 1 });
}

Result<void> EigenTrust::remove_peers(Span<const PeerIndex> peers)
{
    for (PeerIndex peer : peers) {
        if (peer >= m_peers.size())
            return Error::InvalidArgument;
    }
    abandon_iteration();
    for (PeerIndex peer : peers)
        m_peers[peer].leaving = true;
    m_feedback.remove_if([this](uint64_t key, const Feedback& feedback) {
        if (m_peers[edge_from(key)].leaving)
            return true;
        if (!m_peers[edge_to(key)].leaving)
            return false;
        m_peers[edge_from(key)].positive_sum -= positive_part(feedback);
        return true;
    });
    bool pretrust_left = false;
    for (PeerIndex peer : peers) {
        PeerTrust& removed = m_peers[peer];
        removed.trust = 0;
        removed.next = 0;
        removed.positive_sum = 0;
        removed.ratings_received = 0;
        removed.leaving = false;
        pretrust_left |= removed.pretrusted;
        removed.pretrusted = false;
    }
    if (pretrust_left)
        distribute_pretrust_to_flagged();
    return {};
}

Result<void> EigenTrust::grow(Span<PeerTrust> peers, Span<FeedbackSlot> feedback_slots)
{
    if (peers.size() < m_peers.size() || peers.size() >= UINT32_MAX)
        return Error::InvalidArgument;
    bool new_table = feedback_slots.data() != m_feedback_slots.data();
    if (new_table) {
        if (feedback_slots.size() < 2 || !std::has_single_bit(feedback_slots.size()))
            return Error::InvalidArgument;
        size_t usable = feedback_slots.size() - (feedback_slots.size() >= 16 ? feedback_slots.size() / 8 : 1);
        if (usable < m_feedback.size() + m_pending_new_edges)
            return Error::OutOfMemory;
    }
    abandon_iteration();
    if (new_table) {
        auto bigger = TRY(FixedHashMap<Feedback>::create(feedback_slots));
        m_feedback.for_each([&bigger](uint64_t key, const Feedback& feedback) { (void)bigger.find_or_insert(key, feedback); });
        m_feedback = bigger;
        m_feedback_slots = feedback_slots;
    }
    if (peers.data() != m_peers.data()) {
        for (size_t index = 0; index < peers.size(); ++index)
            peers[index] = index < m_peers.size() ? m_peers[index] : PeerTrust {};
        m_peers = peers;
        // Newcomers hold no trust yet; the vector's sum stays at most trust_one.
        distribute_pretrust_to_flagged();
    }
    return {};
}

bool EigenTrust::should_quarantine(PeerIndex peer, const QuarantinePolicy& policy) const
{
    const PeerTrust& state = m_peers[peer];
    if (state.pretrusted || state.ratings_received < policy.min_ratings_received)
        return false;
    UInt128 scaled = multiply_wide(state.trust, m_peers.size()) * parts_per_million;
    return scaled < multiply_wide(policy.fraction_of_mean_ppm, trust_one);
}

size_t EigenTrust::collect_quarantined(const QuarantinePolicy& policy, Span<PeerIndex> out) const
{
    size_t count = 0;
    for (PeerIndex peer = 0; peer < m_peers.size(); ++peer) {
        if (!should_quarantine(peer, policy))
            continue;
        if (count < out.size())
            out[count] = peer;
        ++count;
    }
    return count;
}

} // namespace gehri::collective

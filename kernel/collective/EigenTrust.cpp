#include <kernel/collective/EigenTrust.h>
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
    EigenTrust trust(config, peers, feedback);
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
    m_pretrusted_count = 0;
    for (PeerIndex index : pretrusted) {
        if (!m_peers[index].pretrusted)
            ++m_pretrusted_count;
        m_peers[index].pretrusted = true;
    }
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
    distribute_pretrust(pretrusted);
    reset_to_pretrust();
    return {};
}

Result<void> EigenTrust::record_feedback(PeerIndex from, PeerIndex to, uint32_t satisfied, uint32_t unsatisfied)
{
    if (from >= m_peers.size() || to >= m_peers.size() || from == to)
        return Error::InvalidArgument;
    Feedback* feedback = TRY(m_feedback.find_or_insert(edge_key(from, to), Feedback { 0, 0 }));
    uint64_t old_positive = positive_part(*feedback);
    feedback->satisfied = saturating_add32(feedback->satisfied, satisfied);
    feedback->unsatisfied = saturating_add32(feedback->unsatisfied, unsatisfied);
    // Row sums stay exact: at most n-1 terms below 2^32 each.
    PeerTrust& rater = m_peers[from];
    rater.positive_sum = rater.positive_sum - old_positive + positive_part(*feedback);
    PeerTrust& rated = m_peers[to];
    rated.ratings_received = saturating_add(rated.ratings_received, uint64_t { satisfied } + unsatisfied);
    return {};
}

Feedback EigenTrust::feedback(PeerIndex from, PeerIndex to) const
{
    const Feedback* found = m_feedback.find(edge_key(from, to));
    return found ? *found : Feedback { 0, 0 };
}

// One step of t' = (1 - a) (C^T t + d p) + a p, where d is the trust held by peers that trust
// nobody (their row of C is p). Every product rounds down, so each step loses at most one unit
// per feedback edge and three per peer; integer sums make the order of the edges irrelevant.
Trust EigenTrust::iterate_once()
{
    Trust dangling = 0;
    for (auto& peer : m_peers) {
        peer.next = 0;
        if (peer.positive_sum == 0)
            dangling += peer.trust;
    }
    m_feedback.for_each([this](uint64_t key, const Feedback& feedback) {
        uint64_t positive = positive_part(feedback);
        if (positive == 0)
            return;
        const PeerTrust& rater = m_peers[edge_from(key)];
        // positive <= rater.positive_sum, so the quotient is at most rater.trust.
        UInt128 weighted = multiply_wide(positive, rater.trust);
        m_peers[edge_to(key)].next += divide_narrow(high_half(weighted), low_half(weighted), rater.positive_sum).quotient;
    });
    Trust keep = trust_one - m_damping;
    Trust residual = 0;
    for (auto& peer : m_peers) {
        Trust spread = peer.next + fixed_multiply(dangling, peer.pretrust);
        Trust updated = fixed_multiply(keep, spread) + fixed_multiply(m_damping, peer.pretrust);
        residual += updated > peer.trust ? updated - peer.trust : peer.trust - updated;
        peer.trust = updated;
    }
    return residual;
}

Convergence EigenTrust::iterate(uint32_t max_iterations)
{
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
    reset_to_pretrust();
    return iterate(m_config.max_iterations);
}

Convergence EigenTrust::refine(uint32_t max_iterations)
{
    return iterate(max_iterations);
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

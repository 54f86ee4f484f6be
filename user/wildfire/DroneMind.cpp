#include <user/wildfire/DroneMind.h>

namespace gehri::wildfire {

DroneMind::DroneMind(const Drone& state, const MindSettings& settings, Span<Observation> report)
    : m_drone(state)
    , m_settings(settings)
    , m_report(report)
{
}

uint32_t DroneMind::sense(Span<const Observation> seen, Span<Observation> out)
{
    size_t room = m_report.size() < out.size() ? m_report.size() : out.size();
    size_t count = m_drone.report(seen.first(seen.size() < room ? seen.size() : room), m_report, m_settings.seed);
    for (size_t i = 0; i < count; ++i)
        out[i] = m_report[i];
    m_report_count = static_cast<uint32_t>(count);
    m_sensed = true;
    return m_report_count;
}

Result<void> DroneMind::obey(const Orders& orders)
{
    if (orders.count > max_orders)
        return Error::InvalidArgument;
    for (uint32_t i = 0; i < orders.count; ++i) {
        const Order& order = orders.items[i];
        switch (order.kind) {
        case OrderKind::TakeReleased:
            (void)m_drone.take_released();
            break;
        case OrderKind::Revoke:
            m_drone.revoke();
            break;
        case OrderKind::Retarget:
            m_drone.retarget(order.lease.target);
            break;
        case OrderKind::Grant:
            m_drone.grant(order.lease);
            break;
        default:
            return Error::InvalidArgument;
        }
    }
    return {};
}

Result<OfferReply> DroneMind::offer(const OfferRequest& request)
{
    if (request.candidate_count > max_candidates || request.sector_count > max_offer_sectors)
        return Error::InvalidArgument;
    TRY(obey(request.orders));
    OfferReply reply;
    for (uint32_t k = 0; k < request.candidate_count; ++k)
        reply.scores[k] = score(request.candidates[k]);
    reply.choice = choose(Span<const VillageCandidate>(request.candidates, request.candidate_count));
    uint32_t keep = m_settings.bids_per_drone < max_bids_per_drone ? m_settings.bids_per_drone : max_bids_per_drone;
    // The cheapest `keep` sectors, insertion-sorted; equal costs keep the offer's order.
    for (uint32_t s = 0; keep > 0 && s < request.sector_count; ++s) {
        const SectorOffer& sector = request.sectors[s];
        uint64_t cost = m_drone.bid_cost(sector.target, m_settings.drone);
        if (cost == Drone::no_bid)
            continue;
        if (reply.bid_count == keep && cost >= reply.bids[reply.bid_count - 1].cost)
            continue;
        uint32_t slot = reply.bid_count < keep ? reply.bid_count++ : reply.bid_count - 1;
        while (slot > 0 && reply.bids[slot - 1].cost > cost) {
            reply.bids[slot] = reply.bids[slot - 1];
            --slot;
        }
        reply.bids[slot] = { m_drone.id(), sector.sector, cost };
    }
    return reply;
}

// Honest drones defend the most threatened village near them; rogues the safest.
int64_t DroneMind::score(const VillageCandidate& candidate) const
{
    return m_drone.is_rogue() ? -static_cast<int64_t>(candidate.fire_distance) : 4ll * candidate.fire_distance + distance(m_drone.position(), candidate.centre);
}

uint32_t DroneMind::choose(Span<const VillageCandidate> candidates) const
{
    uint32_t best = 0;
    for (uint32_t k = 1; k < candidates.size(); ++k) {
        if (score(candidates[k]) < score(candidates[best]))
            best = k;
    }
    return best;
}

Result<BallotReply> DroneMind::ballot(const BallotRequest& request) const
{
    if (request.candidate_count == 0 || request.candidate_count > max_candidates)
        return Error::InvalidArgument;
    return BallotReply { choose(Span<const VillageCandidate>(request.candidates, request.candidate_count)) };
}

Result<ActReply> DroneMind::act(const ActRequest& request)
{
    TRY(obey(request.orders));
    ActReply reply;
    reply.action = m_drone.decide(m_report.first(m_sensed ? m_report_count : 0), m_settings.drone);
    m_sensed = false;
    m_drone.commit(reply.action, m_settings.drone);
    reply.state = m_drone;
    return reply;
}

} // namespace gehri::wildfire

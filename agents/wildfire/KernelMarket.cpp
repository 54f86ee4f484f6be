#include "KernelMarket.h"
#include <kernel/lib/Sort.h>
#include <user/libgehri/Collective.h>

namespace gehri::wildfire {

Result<void> KernelMarket::open(Span<const SectorDemand> demands, Span<uint64_t> ids)
{
    if (demands.size() > max_offer_sectors || ids.size() < demands.size())
        return Error::OutOfRange;
    // Every drone may bid once in each auction.
    uint32_t max_bids = m_by_agent.size() < abi::auction_max_bids ? static_cast<uint32_t>(m_by_agent.size()) : abi::auction_max_bids;
    m_open_count = 0;
    abi::AuctionRequest request;
    request.effect = static_cast<uint32_t>(abi::AuctionEffect::Award);
    request.pricing = static_cast<uint32_t>(abi::AuctionPricing::SecondPrice);
    request.reserve_price = sector_reserve; // as the model's: the price when nobody loses
    request.max_bids = max_bids;
    for (size_t k = 0; k < demands.size(); ++k) {
        request.units = demands[k].units;
        auto opened = system::auction_open(m_self.value(), request);
        if (opened.is_error()) {
            println("wildfire: the kernel refused a sector auction ({}): no awards this round", error_name(opened.error()));
            // Those opened already are settled unsold, so none stays open.
            for (size_t i = 0; i < m_open_count; ++i)
                (void)system::auction_settle(m_self.value(), m_open[i]);
            m_open_count = 0;
            return opened.error();
        }
        ids[k] = m_open[m_open_count++] = opened.value();
        ++m_auctions;
    }
    return {};
}

// The drones' current agent ids, sorted, for the winners' lookup.
void KernelMarket::index_drones()
{
    m_indexed = 0;
    for (uint32_t drone = 0; drone < m_by_agent.size(); ++drone) {
        if (m_fleet.is_up(drone))
            m_by_agent[m_indexed++] = { m_fleet.agent_id(drone), drone };
    }
    heap_sort(m_by_agent.first(m_indexed), [](const DroneAgent& a, const DroneAgent& b) { return a.agent < b.agent; });
}

Result<uint32_t> KernelMarket::drone_of(uint64_t agent) const
{
    Span<DroneAgent> indexed = m_by_agent.first(m_indexed);
    size_t at = lower_bound(indexed, agent, [](const DroneAgent& entry, uint64_t id) { return entry.agent < id; });
    if (at == m_indexed || indexed[at].agent != agent)
        return Error::NotFound;
    return indexed[at].drone;
}

void KernelMarket::exclude(uint64_t auction, uint32_t drone)
{
    uint64_t agent = m_fleet.agent_id(drone);
    if (agent != 0)
        (void)system::auction_exclude(m_self.value(), auction, agent);
}

Result<size_t> KernelMarket::settle_one(uint64_t auction, const SectorDemand& demand, uint64_t max_cost, Span<SectorAward> out)
{
    TRY(system::auction_settle(m_self.value(), auction));
    size_t count = TRY(system::auction_awards(m_self.value(), auction, m_winners));
    size_t written = 0;
    for (size_t i = 0; i < count && written < out.size(); ++i) {
        auto drone = drone_of(m_winners[i].agent);
        if (drone.is_error() || m_taken[drone.value()]) {
            println("wildfire: sector {} auction: winner agent {} is {}: its unit stays unsold", demand.sector, m_winners[i].agent,
                drone.is_error() ? "no live drone" : "a drone that already won a sector");
            ++m_faults;
            continue;
        }
        m_taken[drone.value()] = 1;
        out[written++] = { drone.value(), demand.sector, sector_price_cost(m_winners[i].price, max_cost) };
    }
    return written;
}

Result<size_t> KernelMarket::settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t> withdrawn, uint64_t max_cost,
    Span<SectorAward> out)
{
    if (demands.size() != m_open_count)
        return Error::InvalidArgument;
    index_drones();
    for (auto& taken : m_taken)
        taken = 0;
    // The replies say who bid on what: a drone that won is withdrawn from the later sectors it bid on.
    heap_sort(bids, [](const SectorBid& a, const SectorBid& b) { return a.sector != b.sector ? a.sector < b.sector : a.drone < b.drone; });
    size_t written = 0;
    for (size_t k = 0; k < demands.size(); ++k) {
        uint64_t auction = m_open[k];
        for (uint32_t drone : withdrawn)
            exclude(auction, drone);
        size_t index = lower_bound(bids, demands[k].sector, [](const SectorBid& bid, uint32_t sector) { return bid.sector < sector; });
        for (; index < bids.size() && bids[index].sector == demands[k].sector; ++index) {
            if (bids[index].drone < m_taken.size() && m_taken[bids[index].drone])
                exclude(auction, bids[index].drone);
        }
        auto won = settle_one(auction, demands[k], max_cost, out.slice(written, out.size() - written));
        if (won.is_error()) {
            println("wildfire: sector {} auction {:#x} could not be settled: {}", demands[k].sector, auction, error_name(won.error()));
            continue;
        }
        written += won.value();
    }
    m_open_count = 0;
    return written;
}

} // namespace gehri::wildfire

#pragma once

#include "AgentFleet.h"
#include <user/libgehri/Gehri.h>
#include <user/wildfire/SectorMarket.h>

namespace gehri::wildfire {

// The sector auctions as kernel award auctions (docs/collective.md): one per offered sector,
// `units` = its shortfall, opened by this agent (the auctioneer). Each drone agent bids in them
// itself with AuctionBid, so the kernel stamps who bid. After every offer reply is in, the
// sectors are settled in urgency order: first the bids of drones that already won a sector
// this round (or whose reply was lost) are withdrawn (AuctionExclude), then AuctionSettle and
// AuctionAwards, and each winner's agent id is mapped to the drone whose current incarnation it
// is. A winner that is no live drone, or one that already won (it bid without saying so), is a
// fault: said on the console, counted, and its unit stays unsold.
class KernelMarket final : public SectorMarket {
public:
    struct DroneAgent {
        uint64_t agent { 0 };
        uint32_t drone { 0 };
    };

    // `by_agent` and `taken` have one entry per drone, `winners` room for the largest demand.
    KernelMarket(const Handle& self, const AgentFleet& fleet, Span<DroneAgent> by_agent, Span<uint8_t> taken, Span<abi::AuctionAward> winners)
        : m_self(self)
        , m_fleet(fleet)
        , m_by_agent(by_agent)
        , m_taken(taken)
        , m_winners(winners)
    {
    }

    Result<void> open(Span<const SectorDemand> demands, Span<uint64_t> ids) override;
    Result<size_t> settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t> withdrawn, uint64_t max_cost,
        Span<SectorAward> out) override;

    uint64_t auctions() const { return m_auctions; }
    uint64_t faults() const { return m_faults; }

private:
    void index_drones();
    Result<uint32_t> drone_of(uint64_t agent) const;
    void exclude(uint64_t auction, uint32_t drone);
    Result<size_t> settle_one(uint64_t auction, const SectorDemand& demand, uint64_t max_cost, Span<SectorAward> out);

    const Handle& m_self;
    const AgentFleet& m_fleet;
    Span<DroneAgent> m_by_agent;
    size_t m_indexed { 0 };
    Span<uint8_t> m_taken;
    Span<abi::AuctionAward> m_winners;
    uint64_t m_open[max_offer_sectors] {};
    size_t m_open_count { 0 };
    uint64_t m_auctions { 0 };
    uint64_t m_faults { 0 };
};

} // namespace gehri::wildfire

#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Coordinator.h>

namespace gehri::wildfire {

// Where the coordinator's sector auctions are held (docs/wildfire.md, "Collective decisions").
// A round: open() before the offers go out (each offered sector carries its auction's id),
// settle() once every offer reply is in. LocalMarket ranks the bids the replies carry in this
// process (the model); the demo's KernelMarket (agents/wildfire) opens kernel award auctions
// that the drone agents bid in themselves. Both decide the same.
class SectorMarket {
public:
    // One auction per demand, most urgent first; `ids[k]` is demand k's auction, or 0 when the
    // bids come only in the offer replies.
    virtual Result<void> open(Span<const SectorDemand> demands, Span<uint64_t> ids) = 0;
    // The awards, sector by sector in the demands' order, each drone winning at most once.
    // `bids` are the ones the replies carried, stamped with the drone that sent them (sorted
    // in place); `withdrawn` are drones whose reply was lost (they may have bid, but their bids
    // do not count). Bids with cost 0 or above max_cost do not count.
    virtual Result<size_t> settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t> withdrawn, uint64_t max_cost,
        Span<SectorAward> out) = 0;

protected:
    ~SectorMarket() = default;
};

// The model's market: auction_sectors() over the replies' bids.
class LocalMarket final : public SectorMarket {
public:
    LocalMarket() = default;
    explicit LocalMarket(const AuctionScratch& scratch)
        : m_scratch(scratch)
    {
    }
    Result<void> open(Span<const SectorDemand> demands, Span<uint64_t> ids) override;
    Result<size_t> settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t> withdrawn, uint64_t max_cost,
        Span<SectorAward> out) override;

private:
    AuctionScratch m_scratch {};
};

} // namespace gehri::wildfire

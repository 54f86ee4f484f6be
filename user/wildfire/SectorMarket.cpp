#include <user/wildfire/SectorMarket.h>

namespace gehri::wildfire {

Result<void> LocalMarket::open(Span<const SectorDemand> demands, Span<uint64_t> ids)
{
    if (ids.size() < demands.size())
        return Error::OutOfRange;
    for (size_t k = 0; k < demands.size(); ++k)
        ids[k] = 0;
    return {};
}

Result<size_t> LocalMarket::settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t>, uint64_t max_cost, Span<SectorAward> out)
{
    // A lost reply's bids never reached this process.
    return auction_sectors(demands, bids, max_cost, m_scratch, out);
}

} // namespace gehri::wildfire

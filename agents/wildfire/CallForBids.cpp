#include "CallForBids.h"

namespace gehri::wildfire {

namespace {

struct CallForBidsEntry {
    CallForBidsHeader header;
    SectorOffer sectors[max_offer_sectors];
};
CallForBidsEntry s_entry;

} // namespace

Result<void> CallForBids::post(const OfferRequest& request)
{
    if (request.round == m_posted_round)
        return {};
    if (request.sector_count > max_offer_sectors)
        return Error::TooLarge;
    s_entry.header = { request.round, request.sector_count, 0 };
    for (uint32_t s = 0; s < request.sector_count; ++s)
        s_entry.sectors[s] = request.sectors[s];
    size_t bytes = sizeof(CallForBidsHeader) + request.sector_count * sizeof(SectorOffer);
    TRY(m_board.put(call_for_bids_key, &s_entry, bytes));
    m_posted_round = request.round;
    return {};
}

} // namespace gehri::wildfire

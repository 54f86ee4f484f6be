#include <kernel/collective/Auction.h>
#include <kernel/lib/Sort.h>
#include <string.h>

namespace gehri::collective {

Result<SealedBidAuction> SealedBidAuction::create(const AuctionConfig& config, Span<SealedBid> storage)
{
    if (config.units == 0)
        return Error::InvalidArgument;
    return SealedBidAuction(config, storage);
}

Result<void> SealedBidAuction::submit(AgentId bidder, uint64_t amount, uint64_t available_credit)
{
    if (m_closed)
        return Error::TimedOut;
    if (amount == 0)
        return Error::InvalidArgument;
    if (amount < m_config.reserve_price)
        return Error::OutOfRange;
    if (amount > available_credit)
        return Error::QuotaExceeded;
    // Kept sorted by bidder so the one-bid-per-bidder check is a binary search.
    Span<SealedBid> bids = m_storage.first(m_bid_count);
    size_t index = lower_bound(bids, bidder, [](const SealedBid& bid, AgentId id) { return bid.bidder < id; });
    if (index < m_bid_count && bids[index].bidder == bidder)
        return Error::AlreadyExists;
    if (m_bid_count == m_storage.size())
        return Error::OutOfMemory;
    memmove(&m_storage[index + 1], &m_storage[index], (m_bid_count - index) * sizeof(SealedBid));
    m_storage[index] = { bidder, amount, m_next_sequence++ };
    ++m_bid_count;
    return {};
}

Result<bool> SealedBidAuction::withdraw(AgentId bidder)
{
    if (m_closed)
        return Error::TimedOut;
    Span<SealedBid> bids = m_storage.first(m_bid_count);
    size_t index = lower_bound(bids, bidder, [](const SealedBid& bid, AgentId id) { return bid.bidder < id; });
    if (index == m_bid_count || bids[index].bidder != bidder)
        return false;
    memmove(&m_storage[index], &m_storage[index + 1], (m_bid_count - index - 1) * sizeof(SealedBid));
    --m_bid_count;
    return true;
}

Result<void> SealedBidAuction::move_to(Span<SealedBid> storage)
{
    if (m_closed)
        return Error::TimedOut;
    if (storage.size() < m_bid_count)
        return Error::OutOfRange;
    if (m_bid_count > 0)
        memmove(storage.data(), m_storage.data(), m_bid_count * sizeof(SealedBid));
    m_storage = storage;
    return {};
}

bool SealedBidAuction::ranks_before(const SealedBid& a, const SealedBid& b) const
{
    if (a.amount != b.amount)
        return a.amount > b.amount;
    if (m_config.tie_break == TieBreak::EarlierBid)
        return a.sequence < b.sequence;
    return a.bidder < b.bidder;
}

Result<size_t> SealedBidAuction::close(Span<Award> awards)
{
    if (m_closed)
        return Error::TimedOut;
    size_t winners = m_bid_count < m_config.units ? m_bid_count : static_cast<size_t>(m_config.units);
    if (awards.size() < winners)
        return Error::OutOfRange;
    m_closed = true;
    Span<SealedBid> bids = m_storage.first(m_bid_count);
    heap_sort(bids, [this](const SealedBid& a, const SealedBid& b) { return ranks_before(a, b); });

    // Every bid is at least the reserve, so the highest losing bid already includes it; the
    // reserve is the price only when nobody lost.
    uint64_t uniform_price = m_config.reserve_price;
    if (m_bid_count > winners && bids[winners].amount > uniform_price)
        uniform_price = bids[winners].amount;
    for (size_t i = 0; i < winners; ++i) {
        uint64_t price = m_config.pricing == Pricing::FirstPrice ? bids[i].amount : uniform_price;
        awards[i] = { bids[i].bidder, price };
    }
    return winners;
}

} // namespace gehri::collective

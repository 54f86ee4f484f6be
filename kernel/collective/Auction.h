#pragma once

#include <kernel/collective/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::collective {

enum class Pricing : uint8_t {
    // Each winner pays its own bid (pay-your-bid; for one unit, the classic first-price auction).
    FirstPrice,
    // Every winner pays the same price: the highest losing bid, i.e. the (k+1)-th highest bid,
    // or the reserve if it is higher or there is no losing bid. For one unit this is Vickrey's
    // second-price auction. With unit-demand bidders bidding one's true value is a weakly
    // dominant strategy.
    SecondPrice,
};

// Order among equal bids. Either way the order is total (one bid per bidder), so the result
// never depends on anything but the bids.
enum class TieBreak : uint8_t {
    EarlierBid,   // the bid submitted first ranks higher
    LowerAgentId, // the bidder with the lower AgentId ranks higher (submission order irrelevant)
};

struct AuctionConfig {
    Pricing pricing { Pricing::SecondPrice };
    uint64_t units { 1 };         // k identical units; every bidder wants at most one
    uint64_t reserve_price { 0 }; // no unit sells below this; lower bids are refused
    TieBreak tie_break { TieBreak::EarlierBid };
};

// One sealed bid, in storage the caller provides and keeps alive as long as the auction.
struct SealedBid {
    AgentId bidder;
    uint64_t amount;
    uint64_t sequence; // submission order
};

struct Award {
    AgentId bidder;
    uint64_t price;
};

// A sealed-bid auction of k identical units among unit-demand bidders. Bids are kept sealed in
// the caller's storage until close(); the auction is then settled once and refuses further bids.
// The winners are the k highest-ranked bids (amount, then the tie-break). Prices never exceed
// a winner's bid, and bids are checked against the bidder's available credit when submitted,
// so every winner can pay. Holding that credit until settlement is the caller's job.
// Not synchronized: the owning service serializes access.
class SealedBidAuction {
public:
    // InvalidArgument if units is 0.
    static Result<SealedBidAuction> create(const AuctionConfig& config, Span<SealedBid> storage);

    // TimedOut: already closed. InvalidArgument: amount 0. OutOfRange: below the reserve.
    // QuotaExceeded: amount > available_credit. AlreadyExists: this bidder has bid.
    // OutOfMemory: the bid storage is full.
    Result<void> submit(AgentId bidder, uint64_t amount, uint64_t available_credit);

    // Settles the auction: writes the winners, best-ranked first, with their prices, and returns
    // how many there are (min(units, bids)). OutOfRange, and nothing changes, if `awards` is too
    // small; TimedOut if already closed.
    Result<size_t> close(Span<Award> awards);

    // Takes back the bidder's sealed bid before closing (an auctioneer selling several lots in
    // order lets each bidder win at most one). Returns whether it had bid; TimedOut if closed.
    Result<bool> withdraw(AgentId bidder);
    // Moves the bids into `storage` (at least as many as there are; a bigger one makes room for
    // more). OutOfRange if they do not fit, TimedOut if closed; on error nothing changes.
    Result<void> move_to(Span<SealedBid> storage);
    size_t bid_capacity() const { return m_storage.size(); }

    size_t bid_count() const { return m_bid_count; }
    bool is_closed() const { return m_closed; }
    const AuctionConfig& config() const { return m_config; }

private:
    SealedBidAuction(const AuctionConfig& config, Span<SealedBid> storage)
        : m_config(config)
        , m_storage(storage)
    {
    }

    bool ranks_before(const SealedBid& a, const SealedBid& b) const;

    AuctionConfig m_config;
    Span<SealedBid> m_storage; // [0, m_bid_count) sorted by bidder until close()
    size_t m_bid_count { 0 };
    uint64_t m_next_sequence { 0 };
    bool m_closed { false };
};

} // namespace gehri::collective

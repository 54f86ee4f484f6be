#pragma once

#include <kernel/collective/Auction.h>
#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/CreditLedger.h>
#include <kernel/collective/TokenBucket.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Optional.h>
#include <kernel/syscall/Abi.h>

// Award auctions (docs/collective.md, "Award auctions"): an agent, the auctioneer, lets others
// bid for k units of a task it owns and carries out the result itself. The kernel only ranks
// the bids (a SealedBidAuction, ties to the lower agent id) and stamps who bid: amounts are
// scores, not money, so no credit is checked or charged and nothing is applied to the winners.
// The auctioneer settles an auction when it has the bids it waits for (or at its deadline, if
// it set one), may first withdraw bidders' bids (selling several lots in order, one to each
// bidder), and reads the winners. Nobody is told by event: bidders that do not read their
// event queues must not fill them.
//
// Storage is on the kernel heap: an auction's bids start at a few and double up to the
// request's max_bids; once it is settled they are freed and only the winners are kept, for
// the auctioneer to read, until it has more than settled_per_auctioneer settled auctions (the
// oldest is forgotten) or it exits (all of its auctions are; with none left anywhere the table
// itself is freed). Each settling is audited (AuctionClearing) within a kernel-wide record
// budget. Not synchronized: the collective service lock serializes it.
namespace gehri::govern {

using collective::AgentId;
using collective::AuctionId;
using collective::Award;
using collective::Nanoseconds;
using collective::SealedBid;

struct AwardLimits {
    size_t max_bids { abi::auction_max_bids }; // per auction
    size_t open_per_auctioneer { abi::award_auctions_open_per_agent };
    size_t settled_per_auctioneer { abi::award_auctions_kept_per_agent }; // for AuctionAwards; the oldest is forgotten
    size_t max_auctions { 8192 };             // kernel-wide, open and settled (<= 65536)
    size_t first_bids { 64 };                 // an auction's first bid storage
    // The clearing records' budget, kernel-wide: a burst, then so many a second. Agents choose
    // how often they settle, and must not push the kernel's own records out of the audit ring.
    uint64_t record_burst { 256 };
    uint64_t records_per_second { 128 };
};

struct AwardSpec {
    uint64_t units { 1 };
    uint64_t reserve_price { 0 };
    collective::Pricing pricing { collective::Pricing::SecondPrice };
    uint32_t max_bids { 0 };                  // 1 .. AwardLimits::max_bids
    Nanoseconds closes_at { 0 };              // 0: only AuctionSettle closes it
};

class AwardAuctions {
public:
    // Award auction ids carry this bit; the credit ledger's never do.
    static constexpr uint64_t id_tag = uint64_t { 1 } << 62;
    static constexpr bool is_award_id(AuctionId id) { return (id & id_tag) != 0; }

    AwardAuctions(collective::AuditTrail& audit, const AwardLimits& limits = {})
        : m_audit(audit)
        , m_limits(limits)
    {
    }

    // InvalidArgument: 0 units, max_bids 0, or a deadline not after now. OutOfRange: max_bids
    // or units beyond the limit. QuotaExceeded: the auctioneer has open_per_auctioneer open.
    // OutOfMemory: the kernel-wide table is full or the heap cannot grow it.
    Result<AuctionId> open(AgentId auctioneer, const AwardSpec& spec, Nanoseconds now);
    // NotFound: no such auction (or forgotten). TimedOut: settled. QuotaExceeded: max_bids bids
    // are in. OutOfMemory: the heap cannot grow the bid storage. And the SealedBidAuction's
    // errors (AlreadyExists, InvalidArgument for 0, OutOfRange below the reserve).
    Result<void> bid(AgentId bidder, AuctionId id, uint64_t amount);
    // The auctioneer takes back `bidder`'s bid; returns whether there was one. NotFound,
    // AccessDenied (not the auctioneer), TimedOut (settled).
    Result<bool> exclude(AgentId caller, AuctionId id, AgentId bidder);
    // The auctioneer closes it now; returns the number of winners. NotFound, AccessDenied,
    // TimedOut (already settled).
    Result<size_t> settle(AgentId caller, AuctionId id, Nanoseconds now);
    // The winners of a settled auction, best first. NotFound, AccessDenied, WouldBlock (still
    // open), BufferTooSmall (`out` is smaller than the winners; nothing written).
    Result<size_t> awards(AgentId caller, AuctionId id, Span<Award> out) const;
    // The same winners in place (valid until the next change). NotFound, AccessDenied, WouldBlock.
    Result<Span<const Award>> winners(AgentId caller, AuctionId id) const;

    // Settles the auctions whose deadline has come.
    void advance(Nanoseconds now);
    Nanoseconds next_deadline() const;
    // Forgets every auction of the agent, open or settled. Its bids elsewhere stay: the
    // auctioneer decides about those (exclude).
    void auctioneer_exited(AgentId agent);

    size_t open_count() const;
    size_t settled_count() const;
    size_t bytes() const;
    // Settlings past the record budget, not audited (each written record also says how many
    // went unrecorded before it, `unaudited`).
    uint64_t unaudited() const { return m_unaudited_total; }

private:
    struct Slot {
        AuctionId id { 0 };
        AgentId auctioneer { 0 };
        AwardSpec spec {};
        bool settled { false };
        uint64_t settled_sequence { 0 };
        HeapArray<SealedBid> bids;
        Optional<collective::SealedBidAuction> auction;
        HeapArray<Award> winners;
        size_t winner_count { 0 };

        void clear();
        void take(Slot& other);
    };

    Slot* find(AuctionId id);
    const Slot* find(AuctionId id) const { return const_cast<AwardAuctions*>(this)->find(id); }
    Result<Slot*> own(AgentId caller, AuctionId id);
    Result<Slot*> free_slot();
    Result<void> grow_bids(Slot& slot);
    Result<size_t> close(Slot& slot, Nanoseconds now);
    void forget_oldest_settled(AgentId auctioneer);
    void record_clearing(const Slot& slot, size_t bids, size_t awarded, Nanoseconds now);

    collective::AuditTrail& m_audit;
    AwardLimits m_limits;
    HeapArray<Slot> m_slots;
    uint64_t m_next_sequence { 1 };
    uint64_t m_next_settled { 1 };
    Optional<collective::TokenBucket> m_record_budget; // made at the first settling (it needs a time)
    uint64_t m_unaudited { 0 };                         // since the last record
    uint64_t m_unaudited_total { 0 };
};

} // namespace gehri::govern

#pragma once

#include <kernel/collective/Auction.h>
#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/Outbox.h>
#include <kernel/collective/TokenBucket.h>
#include <kernel/lib/FixedHashMap.h>
#include <kernel/lib/Optional.h>

namespace gehri::collective {

using AuctionId = uint64_t; // 0 is never an auction

struct CreditConfig {
    uint64_t capacity { 100 };                     // most credit an agent can bank
    uint64_t refill_tokens { 10 };                 // regained every refill_period
    Nanoseconds refill_period { nanoseconds_per_second };
    uint64_t spend_limit { 0 };                    // policy "limit credits N per W": 0 = none
    Nanoseconds spend_window { 60 * nanoseconds_per_second };
};

// Told when an auction it opened closes (a LeaseManager selling a contended lease). The awards
// are best first; the winners have paid. Called after the auction's slot is free.
class AuctionListener {
public:
    virtual void auction_settled(AuctionId, Span<const Award> awards, Nanoseconds now) = 0;

protected:
    ~AuctionListener() = default;
};

struct AuctionSpec {
    AuctionConfig auction {};
    Nanoseconds closes_at { 0 };
    // What a winner gets. With a listener, the listener decides and `effect` is unused;
    // otherwise each winner gets ResourceEffect { effect, winner, value, now + term }.
    EffectKind effect { EffectKind::SchedulingWeight };
    uint64_t value { 0 };
    Nanoseconds term { 0 };
    AuctionListener* listener { nullptr };
    StringView item; // for the audit record, e.g. "sched:weight" or "sensor:thermal0"
};

struct CreditAccount {
    AgentId agent { 0 };
    bool open { false };
    Optional<TokenBucket> balance;
    Optional<TokenBucket> spending; // the policy's rate limit, when there is one
};

struct AuctionSlot {
    AuctionId id { 0 };
    AuctionSpec spec {};
    char item[48] {};
    size_t item_length { 0 };
    Span<SealedBid> bids;  // this slot's share of the bid pool
    Optional<SealedBidAuction> auction;
};

struct CreditStorage {
    Span<CreditAccount> accounts;
    Span<AuctionSlot> auctions;
    Span<SealedBid> bids;   // split evenly between the auction slots
    Span<Award> awards;     // scratch for one closing, as many as the largest units
    // Optional AgentId -> account slot map (power of two, > accounts.size() * 8/7): without
    // it an account is found by a linear search, fine for a few dozen agents.
    Span<HashSlot<uint32_t>> index {};
};

// Credit budgets and the auctions paid from them (docs/collective.md). Every agent has a
// token-bucket budget; a bid is debited when it is placed (so no agent can bid credit it does
// not have, or spend it twice), a loser is refunded at once when the auction closes, a winner
// is refunded what its bid exceeds the price. Winning produces a ResourceEffect the kernel
// applies, or goes to the listener that opened the auction. Not synchronized.
class CreditLedger {
public:
    static Result<CreditLedger> create(const CreditConfig& config, const CreditStorage& storage, AuditTrail& audit, Outbox& outbox);

    // AlreadyExists, OutOfMemory. A new account starts full.
    Result<void> open_account(AgentId agent, Nanoseconds now);
    // Moves the accounts into bigger storage (at least as many; an index, if any, for that
    // many; `index` may be the current one or empty). InvalidArgument; on error nothing changed.
    Result<void> grow(Span<CreditAccount> accounts, Span<HashSlot<uint32_t>> index);
    size_t capacity() const { return m_accounts.size(); }
    size_t open_accounts() const { return m_open; }
    // For a dead agent: its bids stay sealed (a sealed bid cannot be withdrawn), but a unit it
    // wins is forfeited unsold and nothing is refunded. NotFound.
    Result<void> close_account(AgentId agent);

    // Credit the agent can spend now: its balance, capped by the spending limit. NotFound: 0.
    uint64_t available(AgentId agent, Nanoseconds now);
    // Takes `amount` (QuotaExceeded if it cannot, changing nothing); NotFound.
    Result<void> debit(AgentId agent, uint64_t amount, Nanoseconds now);
    // Gives credit back (the spending limit too: refunded credit was not spent).
    void refund(AgentId agent, uint64_t amount);

    // InvalidArgument: closes_at <= now, 0 units, units beyond the award scratch, no term
    // without a listener. OutOfMemory: no free slot.
    Result<AuctionId> open_auction(const AuctionSpec& spec, Nanoseconds now);
    // NotFound: no such auction ever, or no account. TimedOut: closed, or at/after closes_at.
    // And the SealedBidAuction's errors (AlreadyExists, OutOfRange below the reserve,
    // QuotaExceeded beyond available credit, OutOfMemory when its bids are full).
    Result<void> bid(AgentId agent, AuctionId id, uint64_t amount, Nanoseconds now);
    // Closes every auction due by `now`.
    void advance(Nanoseconds now);
    Nanoseconds next_deadline() const;
    // Closes one auction at once (e.g. a lease whose holder let go early). NotFound.
    Result<void> close_now(AuctionId id, Nanoseconds now);

    const AuctionSlot* find_auction(AuctionId) const;
    bool has_account(AgentId agent) const { return const_cast<CreditLedger*>(this)->find(agent) != nullptr; }

private:
    CreditLedger(const CreditConfig& config, const CreditStorage& storage, size_t bids_per_auction, AuditTrail& audit, Outbox& outbox)
        : m_config(config)
        , m_accounts(storage.accounts)
        , m_index_slots(storage.index)
        , m_auctions(storage.auctions)
        , m_awards(storage.awards)
        , m_bids_per_auction(bids_per_auction)
        , m_audit(audit)
        , m_outbox(outbox)
    {
    }

    CreditAccount* find(AgentId agent);
    AuctionSlot* find_slot(AuctionId id);
    void settle(AuctionSlot&, Nanoseconds now);
    void pay(AuctionSlot&, Span<const SealedBid> bids, size_t winners, Nanoseconds now);
    void record_clearing(const AuctionSlot&, size_t bids, size_t winners);

    CreditConfig m_config;
    Span<CreditAccount> m_accounts;
    Span<HashSlot<uint32_t>> m_index_slots;
    FixedHashMap<uint32_t> m_index; // without slots when storage has no index
    size_t m_open { 0 };
    Span<AuctionSlot> m_auctions;
    Span<Award> m_awards;
    size_t m_bids_per_auction;
    AuditTrail& m_audit;
    Outbox& m_outbox;
    AuctionId m_next_id { 1 };
};

} // namespace gehri::collective

#include <gtest/gtest.h>
#include <kernel/collective/CreditLedger.h>
#include <random>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;
using audit::RecordKind;

namespace {

constexpr Nanoseconds second = nanoseconds_per_second;

struct Ledger {
    explicit Ledger(CreditConfig config = {}, size_t accounts_count = 8, size_t auction_count = 4, size_t bids_per_auction = 8)
        : accounts(accounts_count)
        , auctions(auction_count)
        , bids(auction_count * bids_per_auction)
        , awards(4)
    {
        CreditStorage storage { { accounts.data(), accounts.size() }, { auctions.data(), auctions.size() },
            { bids.data(), bids.size() }, { awards.data(), awards.size() } };
        auto created = CreditLedger::create(config, storage, audit.trail, outbox);
        EXPECT_TRUE(created.is_ok());
        ledger.emplace(created.release_value());
    }

    AuctionSpec weight_auction(Nanoseconds closes_at, uint64_t units = 1, Pricing pricing = Pricing::SecondPrice) const
    {
        AuctionSpec spec;
        spec.auction = AuctionConfig { pricing, units, 0, TieBreak::EarlierBid };
        spec.closes_at = closes_at;
        spec.effect = EffectKind::SchedulingWeight;
        spec.value = 400;
        spec.term = 5 * second;
        spec.item = "sched:weight";
        return spec;
    }

    std::vector<CreditAccount> accounts;
    std::vector<AuctionSlot> auctions;
    std::vector<SealedBid> bids;
    std::vector<Award> awards;
    AuditFixture audit;
    RecordingOutbox outbox;
    Optional<CreditLedger> ledger;
};

class RecordingAuctionListener final : public AuctionListener {
public:
    void auction_settled(AuctionId id, Span<const Award> awards, Nanoseconds) override
    {
        ids.push_back(id);
        winners.assign(awards.begin(), awards.end());
    }
    std::vector<AuctionId> ids;
    std::vector<Award> winners;
};

} // namespace

TEST(CreditLedger, BudgetsRefillAndCap)
{
    Ledger l;
    ASSERT_TRUE(l.ledger->open_account(1, 0).is_ok());
    EXPECT_EQ(l.ledger->open_account(1, 0).error(), Error::AlreadyExists);
    EXPECT_EQ(l.ledger->available(1, 0), 100u);
    EXPECT_EQ(l.ledger->available(2, 0), 0u);
    EXPECT_EQ(l.ledger->debit(2, 1, 0).error(), Error::NotFound);
    EXPECT_TRUE(l.ledger->debit(1, 60, 0).is_ok());
    EXPECT_EQ(l.ledger->debit(1, 41, 0).error(), Error::QuotaExceeded);
    EXPECT_EQ(l.ledger->available(1, 0), 40u);
    EXPECT_EQ(l.ledger->available(1, 2 * second + second / 2), 65u); // 10 a second, exactly
    l.ledger->refund(1, 1000);
    EXPECT_EQ(l.ledger->available(1, 3 * second), 100u); // never above capacity
    l.ledger->refund(99, 5); // an unknown agent: nothing happens
    for (AgentId a = 2; a <= 8; ++a)
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    EXPECT_EQ(l.ledger->open_account(9, 0).error(), Error::OutOfMemory);
    ASSERT_TRUE(l.ledger->close_account(8).is_ok());
    EXPECT_EQ(l.ledger->close_account(8).error(), Error::NotFound);
    EXPECT_TRUE(l.ledger->open_account(9, 0).is_ok());
}

TEST(CreditLedger, SpendingLimitFromPolicy)
{
    CreditConfig config;
    config.spend_limit = 30;
    config.spend_window = 60 * second;
    Ledger l(config);
    ASSERT_TRUE(l.ledger->open_account(1, 0).is_ok());
    EXPECT_EQ(l.ledger->available(1, 0), 30u);
    EXPECT_TRUE(l.ledger->debit(1, 30, 0).is_ok());
    EXPECT_EQ(l.ledger->debit(1, 1, 0).error(), Error::QuotaExceeded); // 70 in the bank, 0 to spend
    l.ledger->refund(1, 10);
    EXPECT_EQ(l.ledger->available(1, 0), 10u);
    EXPECT_EQ(l.ledger->available(1, 30 * second), 25u); // half a window: 15 more
}

TEST(CreditLedger, VickreyAuctionForSchedulingWeight)
{
    Ledger l({ 100, 1, 1000 * second, 0, 1 }); // no refill to speak of during the test
    for (AgentId a : { 1, 2, 3 })
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    auto id = l.ledger->open_auction(l.weight_auction(10 * second), 0).value();
    ASSERT_TRUE(l.ledger->bid(1, id, 40, 1).is_ok());
    ASSERT_TRUE(l.ledger->bid(2, id, 25, 1).is_ok());
    ASSERT_TRUE(l.ledger->bid(3, id, 10, 1).is_ok());
    EXPECT_EQ(l.ledger->available(1, 1), 60u); // the bid is held
    EXPECT_EQ(l.ledger->next_deadline(), 10 * second);
    l.ledger->advance(10 * second - 1);
    EXPECT_TRUE(l.outbox.effects.empty());
    l.ledger->advance(10 * second);
    EXPECT_EQ(l.ledger->next_deadline(), UINT64_MAX);
    // 1 pays the second price, 25, and gets the weight for the term; the losers get it all back.
    ASSERT_EQ(l.outbox.effects.size(), 1u);
    EXPECT_EQ(l.outbox.effects[0].kind, EffectKind::SchedulingWeight);
    EXPECT_EQ(l.outbox.effects[0].agent, 1u);
    EXPECT_EQ(l.outbox.effects[0].value, 400u);
    EXPECT_EQ(l.outbox.effects[0].until, 15 * second);
    Nanoseconds now = 10 * second;
    EXPECT_EQ(l.ledger->available(1, now), 75u);
    EXPECT_EQ(l.ledger->available(2, now), 100u);
    EXPECT_EQ(l.ledger->available(3, now), 100u);
    auto won = l.outbox.events_for(1);
    ASSERT_EQ(won.size(), 1u);
    EXPECT_EQ(won[0].kind, EventKind::AuctionWon);
    EXPECT_EQ(won[0].detail, 25u);
    EXPECT_EQ(won[0].detail2, 15 * second); // when the prize ends
    // The weight is in force before the winner is told.
    for (size_t i = 0; i < l.outbox.events.size(); ++i) {
        if (l.outbox.events[i].kind == EventKind::AuctionWon) {
            EXPECT_EQ(l.outbox.effects_when_notified[i], 1u);
        }
    }
    EXPECT_EQ(l.outbox.events_for(2)[0].kind, EventKind::AuctionLost);
    auto clearing = l.audit.records(RecordKind::AuctionClearing);
    ASSERT_EQ(clearing.size(), 1u);
    EXPECT_EQ(clearing[0].text("item"), "sched:weight");
    EXPECT_EQ(clearing[0].integer("bids"), 3);
    EXPECT_EQ(clearing[0].integer("top_price"), 25);
    auto effects = l.audit.records(RecordKind::ResourceEffect);
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].agent, 1u);
    EXPECT_EQ(effects[0].text("effect"), "scheduling_weight");
    EXPECT_EQ(effects[0].integer("price"), 25);
    EXPECT_EQ(l.ledger->bid(2, id, 5, now).error(), Error::TimedOut);
}

TEST(CreditLedger, MultiUnitFirstPriceForMemoryQuota)
{
    Ledger l;
    for (AgentId a : { 1, 2, 3 })
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    auto spec = l.weight_auction(second, 2, Pricing::FirstPrice);
    spec.effect = EffectKind::MemoryQuota;
    spec.value = 1 << 20;
    auto id = l.ledger->open_auction(spec, 0).value();
    ASSERT_TRUE(l.ledger->bid(1, id, 20, 0).is_ok());
    ASSERT_TRUE(l.ledger->bid(2, id, 50, 0).is_ok());
    ASSERT_TRUE(l.ledger->bid(3, id, 30, 0).is_ok());
    l.ledger->advance(second);
    ASSERT_EQ(l.outbox.effects.size(), 2u);
    EXPECT_EQ(l.outbox.effects[0].agent, 2u);
    EXPECT_EQ(l.outbox.effects[1].agent, 3u);
    EXPECT_EQ(l.outbox.effects[1].kind, EffectKind::MemoryQuota);
    // Pay your bid, and the balance refilled 10 during the second.
    EXPECT_EQ(l.ledger->available(2, second), 60u);
    EXPECT_EQ(l.ledger->available(3, second), 80u);
    EXPECT_EQ(l.ledger->available(1, second), 100u);
}

TEST(CreditLedger, HostileBidsAreRefused)
{
    Ledger l({}, 8, 2, 2);
    for (AgentId a : { 1, 2, 3 })
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    auto spec = l.weight_auction(10 * second);
    spec.auction.reserve_price = 5;
    auto id = l.ledger->open_auction(spec, 0).value();
    EXPECT_EQ(l.ledger->bid(1, id, 101, 0).error(), Error::QuotaExceeded); // beyond the budget
    EXPECT_EQ(l.ledger->bid(1, id, UINT64_MAX, 0).error(), Error::QuotaExceeded);
    EXPECT_EQ(l.ledger->bid(1, id, 4, 0).error(), Error::OutOfRange);
    EXPECT_EQ(l.ledger->bid(1, id, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(l.ledger->bid(9, id, 10, 0).error(), Error::NotFound);
    EXPECT_EQ(l.ledger->bid(1, id + 1, 10, 0).error(), Error::NotFound);
    EXPECT_EQ(l.ledger->bid(1, 0, 10, 0).error(), Error::NotFound);
    EXPECT_EQ(l.ledger->available(1, 0), 100u); // nothing held for refused bids
    ASSERT_TRUE(l.ledger->bid(1, id, 100, 0).is_ok());
    ASSERT_TRUE(l.ledger->bid(2, id, 10, 0).is_ok());
    EXPECT_EQ(l.ledger->bid(2, id, 10, 0).error(), Error::AlreadyExists);
    EXPECT_EQ(l.ledger->available(2, 0), 90u);
    EXPECT_EQ(l.ledger->bid(3, id, 10, 0).error(), Error::OutOfMemory); // two bids per auction here
    EXPECT_EQ(l.ledger->available(3, 0), 100u);
    EXPECT_EQ(l.ledger->bid(2, id, 10, 10 * second).error(), Error::TimedOut);
    // Spending the whole budget elsewhere cannot be done twice.
    auto other = l.ledger->open_auction(l.weight_auction(10 * second), 0).value();
    EXPECT_EQ(l.ledger->bid(1, other, 1, 0).error(), Error::QuotaExceeded);
    EXPECT_EQ(l.ledger->open_auction(l.weight_auction(10 * second), 0).error(), Error::OutOfMemory);
}

TEST(CreditLedger, OpenAuctionValidation)
{
    Ledger l;
    auto spec = l.weight_auction(10);
    EXPECT_EQ(l.ledger->open_auction(spec, 10).error(), Error::InvalidArgument);
    spec = l.weight_auction(10, 0);
    EXPECT_EQ(l.ledger->open_auction(spec, 0).error(), Error::InvalidArgument);
    spec = l.weight_auction(10, 5); // more units than the award scratch holds
    EXPECT_EQ(l.ledger->open_auction(spec, 0).error(), Error::InvalidArgument);
    spec = l.weight_auction(10);
    spec.term = 0;
    EXPECT_EQ(l.ledger->open_auction(spec, 0).error(), Error::InvalidArgument);
    std::string long_item(49, 'x');
    spec = l.weight_auction(10);
    spec.item = StringView(long_item.data(), long_item.size());
    EXPECT_EQ(l.ledger->open_auction(spec, 0).error(), Error::OutOfRange);
    EXPECT_EQ(l.ledger->close_now(12345, 0).error(), Error::NotFound);
}

TEST(CreditLedger, DeadWinnerForfeitsAndListenerSeesOnlyTheLiving)
{
    Ledger l;
    RecordingAuctionListener listener;
    for (AgentId a : { 1, 2 })
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    auto spec = l.weight_auction(10 * second);
    spec.listener = &listener;
    spec.term = 0;
    auto id = l.ledger->open_auction(spec, 0).value();
    ASSERT_TRUE(l.ledger->bid(1, id, 50, 0).is_ok());
    ASSERT_TRUE(l.ledger->bid(2, id, 20, 0).is_ok());
    ASSERT_TRUE(l.ledger->close_account(1).is_ok());
    ASSERT_TRUE(l.ledger->close_now(id, second).is_ok());
    ASSERT_EQ(listener.ids.size(), 1u);
    EXPECT_TRUE(listener.winners.empty());
    EXPECT_TRUE(l.outbox.effects.empty()); // a listener's auction has no effect of its own
    EXPECT_EQ(l.ledger->available(2, second), 100u);
    EXPECT_EQ(l.audit.records(RecordKind::AuctionClearing).size(), 1u);
    EXPECT_EQ(l.ledger->find_auction(id), nullptr);

    auto again = l.ledger->open_auction(spec, second).value();
    ASSERT_TRUE(l.ledger->bid(2, again, 20, second).is_ok());
    l.ledger->advance(10 * second);
    ASSERT_EQ(listener.winners.size(), 1u);
    EXPECT_EQ(listener.winners[0].bidder, 2u);
    EXPECT_EQ(listener.winners[0].price, 0u); // no other bid, no reserve
}

TEST(CreditLedger, RandomMarketsConserveCredit)
{
    std::mt19937_64 random(99);
    CreditConfig config { 100, 1, UINT64_MAX / 2, 0, 1 }; // no meaningful refill
    Ledger l(config, 8, 4, 8);
    for (AgentId a = 1; a <= 8; ++a)
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    uint64_t paid = 0;
    Nanoseconds now = 0;
    for (int step = 0; step < 5000; ++step) {
        now += 1 + random() % 1000;
        if (random() % 8 == 0) {
            auto spec = l.weight_auction(now + 1 + random() % 20000, 1 + random() % 3, random() % 2 ? Pricing::FirstPrice : Pricing::SecondPrice);
            (void)l.ledger->open_auction(spec, now);
        }
        AgentId agent = 1 + random() % 9;
        AuctionId id = 1 + random() % (l.ledger->find_auction(1) ? 8 : 200);
        (void)l.ledger->bid(agent, id, random() % 120, now);
        size_t before = l.outbox.events.size();
        l.ledger->advance(now);
        for (size_t i = before; i < l.outbox.events.size(); ++i) {
            if (l.outbox.events[i].kind == EventKind::AuctionWon)
                paid += l.outbox.events[i].detail;
        }
    }
    for (auto& slot : l.auctions) {
        if (slot.id != 0) {
            size_t before = l.outbox.events.size();
            ASSERT_TRUE(l.ledger->close_now(slot.id, now).is_ok());
            for (size_t i = before; i < l.outbox.events.size(); ++i) {
                if (l.outbox.events[i].kind == EventKind::AuctionWon)
                    paid += l.outbox.events[i].detail;
            }
        }
    }
    uint64_t balances = 0;
    for (AgentId a = 1; a <= 8; ++a)
        balances += l.ledger->available(a, now);
    EXPECT_EQ(balances + paid, 800u); // every credit is either still an agent's or paid once
    EXPECT_GT(paid, 0u);
    EXPECT_TRUE(l.audit.owned->log.verify_pending().is_ok());
}

TEST(CreditLedger, GrowsWithAnIndexAndReusesClosedAccounts)
{
    Ledger l({}, 4);
    for (AgentId agent = 1; agent <= 4; ++agent)
        ASSERT_TRUE(l.ledger->open_account(agent, 0).is_ok());
    EXPECT_EQ(l.ledger->open_account(5, 0).error(), Error::OutOfMemory);
    ASSERT_TRUE(l.ledger->debit(2, 30, 0).is_ok());
    std::vector<CreditAccount> accounts(4096);
    std::vector<HashSlot<uint32_t>> small_index(8);
    std::vector<HashSlot<uint32_t>> index(8192);
    EXPECT_EQ(l.ledger->grow({ accounts.data(), 2 }, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(l.ledger->grow({ accounts.data(), 4096 }, { small_index.data(), 8 }).error(), Error::InvalidArgument);
    ASSERT_TRUE(l.ledger->grow({ accounts.data(), 4096 }, { index.data(), 8192 }).is_ok());
    EXPECT_EQ(l.ledger->capacity(), 4096u);
    EXPECT_EQ(l.ledger->available(2, 0), 70u); // balances moved with the accounts
    for (AgentId agent = 5; agent <= 4096; ++agent)
        ASSERT_TRUE(l.ledger->open_account(agent, 0).is_ok());
    EXPECT_EQ(l.ledger->open_accounts(), 4096u);
    EXPECT_EQ(l.ledger->open_account(5000, 0).error(), Error::OutOfMemory);
    for (AgentId agent = 1; agent <= 4096; agent += 2)
        ASSERT_TRUE(l.ledger->close_account(agent).is_ok());
    EXPECT_EQ(l.ledger->open_accounts(), 2048u);
    EXPECT_EQ(l.ledger->available(3, 0), 0u);
    for (AgentId agent = 10'001; agent <= 12'048; ++agent)
        ASSERT_TRUE(l.ledger->open_account(agent, 0).is_ok());
    EXPECT_EQ(l.ledger->available(12'048, 0), 100u);
    EXPECT_EQ(l.ledger->available(4096, 0), 100u);
    EXPECT_EQ(l.ledger->close_account(3).error(), Error::NotFound);
}

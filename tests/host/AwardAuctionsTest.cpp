#include <gtest/gtest.h>
#include <kernel/govern/AwardAuctions.h>
#include <tests/host/support/CollectiveTestSupport.h>
#include <vector>

using namespace gehri;
using namespace gehri::govern;
using namespace gehri::collective::testing;
using audit::RecordKind;

namespace {

constexpr AgentId auctioneer = 100;
constexpr AgentId other = 200;

AwardSpec spec(uint64_t units, uint32_t max_bids, Nanoseconds closes_at = 0)
{
    AwardSpec s;
    s.units = units;
    s.max_bids = max_bids;
    s.closes_at = closes_at;
    return s;
}

std::vector<Award> winners(const AwardAuctions& auctions, AuctionId id, size_t room = 64)
{
    std::vector<Award> out(room);
    auto count = auctions.awards(auctioneer, id, Span<Award>(out.data(), out.size()));
    EXPECT_TRUE(count.is_ok());
    out.resize(count.value_or(0));
    return out;
}

} // namespace

TEST(AwardAuctions, RanksScoresWithTiesToTheLowerAgentAndAuditsTheClearing)
{
    AuditFixture audit;
    AwardAuctions auctions(audit.trail);
    AuctionId id = auctions.open(auctioneer, spec(2, 16), 0).value();
    EXPECT_TRUE(AwardAuctions::is_award_id(id));
    // No credit: any amount goes.
    ASSERT_TRUE(auctions.bid(9, id, 1ull << 60).is_ok());
    ASSERT_TRUE(auctions.bid(3, id, 1ull << 60).is_ok());
    ASSERT_TRUE(auctions.bid(5, id, 7).is_ok());
    EXPECT_EQ(auctions.bid(5, id, 8).error(), Error::AlreadyExists);
    EXPECT_EQ(auctions.bid(6, id, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(auctions.awards(auctioneer, id, {}).error(), Error::WouldBlock);
    EXPECT_EQ(auctions.settle(other, id, 1).error(), Error::AccessDenied);
    EXPECT_EQ(auctions.settle(auctioneer, id, 1).value(), 2u);
    EXPECT_EQ(auctions.settle(auctioneer, id, 1).error(), Error::TimedOut);
    EXPECT_EQ(auctions.bid(4, id, 9).error(), Error::TimedOut);
    auto won = winners(auctions, id);
    ASSERT_EQ(won.size(), 2u);
    EXPECT_EQ(won[0].bidder, 3u);
    EXPECT_EQ(won[1].bidder, 9u);
    EXPECT_EQ(won[0].price, 7u);
    EXPECT_EQ(auctions.awards(other, id, {}).error(), Error::AccessDenied);
    Award one;
    EXPECT_EQ(auctions.awards(auctioneer, id, Span<Award>(&one, 1)).error(), Error::BufferTooSmall);
    auto records = audit.records(RecordKind::AuctionClearing);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].agent, auctioneer);
    EXPECT_EQ(records[0].text("item"), "award");
    EXPECT_EQ(records[0].integer("bids"), 3);
    EXPECT_EQ(records[0].integer("awarded"), 2);
}

TEST(AwardAuctions, SequentialLotsExcludeEarlierWinners)
{
    AuditFixture audit;
    AwardAuctions auctions(audit.trail);
    AuctionId lots[3];
    for (auto& lot : lots)
        lot = auctions.open(auctioneer, spec(1, 8), 0).value();
    // Bidders 1..4 bid on every lot, 4 best.
    for (AgentId bidder = 1; bidder <= 4; ++bidder) {
        for (AuctionId lot : lots)
            ASSERT_TRUE(auctions.bid(bidder, lot, 10 * bidder).is_ok());
    }
    std::vector<AgentId> taken;
    for (AuctionId lot : lots) {
        for (AgentId winner : taken)
            EXPECT_TRUE(auctions.exclude(auctioneer, lot, winner).value());
        EXPECT_EQ(auctions.exclude(other, lot, 1).error(), Error::AccessDenied);
        ASSERT_EQ(auctions.settle(auctioneer, lot, 0).value(), 1u);
        taken.push_back(winners(auctions, lot)[0].bidder);
    }
    EXPECT_EQ(taken, (std::vector<AgentId> { 4, 3, 2 }));
    EXPECT_EQ(auctions.exclude(auctioneer, lots[0], 1).error(), Error::TimedOut);
}

TEST(AwardAuctions, BidStorageGrowsToMaxBidsThenQuotaExceeded)
{
    AuditFixture audit;
    AwardLimits limits;
    limits.first_bids = 4;
    AwardAuctions auctions(audit.trail, limits);
    AuctionId id = auctions.open(auctioneer, spec(3, 1000), 0).value();
    size_t empty = auctions.bytes();
    for (AgentId bidder = 1; bidder <= 1000; ++bidder)
        ASSERT_TRUE(auctions.bid(bidder, id, bidder * 3 % 1001).is_ok()) << bidder;
    EXPECT_GE(auctions.bytes(), 1000 * sizeof(SealedBid));
    EXPECT_EQ(auctions.bid(5000, id, 1).error(), Error::QuotaExceeded);
    EXPECT_EQ(auctions.bid(7, id, 1).error(), Error::AlreadyExists);
    ASSERT_EQ(auctions.settle(auctioneer, id, 0).value(), 3u);
    // bidder * 3 mod 1001 is a permutation of 1..1000: 1000 from 667, 999 from 333, 998 from 1000.
    auto won = winners(auctions, id);
    EXPECT_EQ(won[0].bidder, 667u);
    EXPECT_EQ(won[1].bidder, 333u);
    EXPECT_EQ(won[2].bidder, 1000u);
    // Settled, only the winners are kept.
    EXPECT_LT(auctions.bytes(), empty + 4 * sizeof(SealedBid));
}

TEST(AwardAuctions, LimitsPerAuctioneerAndForgettingTheOldest)
{
    AuditFixture audit;
    AwardLimits limits;
    limits.open_per_auctioneer = 3;
    limits.settled_per_auctioneer = 2;
    limits.max_auctions = 6;
    AwardAuctions auctions(audit.trail, limits);
    EXPECT_EQ(auctions.open(auctioneer, spec(0, 4), 0).error(), Error::InvalidArgument);
    EXPECT_EQ(auctions.open(auctioneer, spec(1, 0), 0).error(), Error::InvalidArgument);
    EXPECT_EQ(auctions.open(auctioneer, spec(1, 16385), 0).error(), Error::OutOfRange);
    EXPECT_EQ(auctions.open(auctioneer, spec(1, 4, 5), 5).error(), Error::InvalidArgument);
    AuctionId ids[3];
    for (auto& id : ids)
        id = auctions.open(auctioneer, spec(1, 4), 0).value();
    EXPECT_EQ(auctions.open(auctioneer, spec(1, 4), 0).error(), Error::QuotaExceeded);
    for (auto id : ids)
        ASSERT_TRUE(auctions.settle(auctioneer, id, 0).is_ok());
    // Two settled are kept: the first is forgotten.
    EXPECT_EQ(auctions.awards(auctioneer, ids[0], {}).error(), Error::NotFound);
    EXPECT_TRUE(auctions.awards(auctioneer, ids[2], {}).is_ok());
    EXPECT_EQ(auctions.settled_count(), 2u);
    // The kernel-wide table: 6 slots, 2 held by the settled ones.
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(auctions.open(other, spec(1, 4), 0).is_ok());
    ASSERT_TRUE(auctions.open(auctioneer, spec(1, 4), 0).is_ok());
    EXPECT_EQ(auctions.open(auctioneer, spec(1, 4), 0).error(), Error::OutOfMemory);
    // An auctioneer's exit frees all of its auctions.
    auctions.auctioneer_exited(other);
    EXPECT_EQ(auctions.open_count(), 1u);
    EXPECT_TRUE(auctions.awards(auctioneer, ids[2], {}).is_ok());
    ASSERT_TRUE(auctions.open(auctioneer, spec(1, 4), 0).is_ok());
    auctions.auctioneer_exited(auctioneer);
    EXPECT_EQ(auctions.open_count(), 0u);
    EXPECT_EQ(auctions.settled_count(), 0u);
    EXPECT_EQ(auctions.awards(auctioneer, ids[2], {}).error(), Error::NotFound);
}

TEST(AwardAuctions, DeadlinesSettleAndIdsNeverRepeat)
{
    AuditFixture audit;
    AwardAuctions auctions(audit.trail);
    AuctionId timed = auctions.open(auctioneer, spec(1, 4, 50), 10).value();
    AuctionId untimed = auctions.open(auctioneer, spec(1, 4), 10).value();
    ASSERT_TRUE(auctions.bid(3, timed, 5).is_ok());
    EXPECT_EQ(auctions.next_deadline(), 50u);
    auctions.advance(49);
    EXPECT_EQ(auctions.awards(auctioneer, timed, {}).error(), Error::WouldBlock);
    auctions.advance(50);
    EXPECT_EQ(winners(auctions, timed).size(), 1u);
    EXPECT_EQ(auctions.next_deadline(), UINT64_MAX);
    EXPECT_EQ(auctions.awards(auctioneer, untimed, {}).error(), Error::WouldBlock);
    // A forgotten slot reused gets a new id: the old one stays unknown.
    auctions.auctioneer_exited(auctioneer);
    AuctionId again = auctions.open(auctioneer, spec(1, 4), 10).value();
    EXPECT_NE(again, timed);
    EXPECT_NE(again, untimed);
    EXPECT_EQ(auctions.bid(3, timed, 5).error(), Error::NotFound);
    EXPECT_EQ(auctions.bid(3, 12345, 5).error(), Error::NotFound);
    EXPECT_EQ(auctions.bid(3, 0, 5).error(), Error::NotFound);
}

TEST(AwardAuctions, ClearingRecordsKeepWithinTheirBudgetAndSayWhatWentUnrecorded)
{
    AuditFixture audit;
    AwardLimits limits;
    limits.record_burst = 2;
    limits.records_per_second = 1;
    AwardAuctions auctions(audit.trail, limits);
    for (int i = 0; i < 5; ++i) {
        AuctionId id = auctions.open(auctioneer, spec(1, 4), 0).value();
        ASSERT_TRUE(auctions.settle(auctioneer, id, 0).is_ok());
    }
    EXPECT_EQ(audit.records(RecordKind::AuctionClearing).size(), 2u);
    EXPECT_EQ(auctions.unaudited(), 3u);
    // A second later the budget has one more: that record says three went unrecorded.
    AuctionId id = auctions.open(auctioneer, spec(1, 4), 0).value();
    ASSERT_TRUE(auctions.settle(auctioneer, id, collective::nanoseconds_per_second).is_ok());
    auto records = audit.records(RecordKind::AuctionClearing);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].integer("unaudited"), 0);
    EXPECT_EQ(records[2].integer("unaudited"), 3);
}

TEST(AwardAuctions, TheTableIsFreedWhenNoAuctionIsLeft)
{
    AuditFixture audit;
    AwardAuctions auctions(audit.trail);
    EXPECT_EQ(auctions.bytes(), 0u);
    for (int i = 0; i < 40; ++i)
        ASSERT_TRUE(auctions.open(i % 2 ? auctioneer : other, spec(1, 4), 0).is_ok());
    EXPECT_GT(auctions.bytes(), 0u);
    auctions.auctioneer_exited(other);
    EXPECT_GT(auctions.bytes(), 0u);
    auctions.auctioneer_exited(auctioneer);
    EXPECT_EQ(auctions.bytes(), 0u);
    EXPECT_TRUE(auctions.open(auctioneer, spec(1, 4), 0).is_ok());
}

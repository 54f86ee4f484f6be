#include <kernel/collective/Auction.h>
#include <kernel/collective/EigenTrust.h>
#include <kernel/collective/Tally.h>
#include <kernel/collective/TokenBucket.h>
#include <kernel/lib/WideArithmetic.h>
#include <kernel/tests/Framework.h>

// The collective algorithms on the real target: built without SSE, with the kernel code model
// and -O2, they must decide exactly what the host tests decide.
namespace gehri::collective {

namespace {

uint64_t next_random(uint64_t& state)
{
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
}

} // namespace

KERNEL_TEST(collective_tally_majority_double_vote_and_tie)
{
    static Elector electors[4] = { { 40, 1, 0 }, { 10, 1, 0 }, { 30, 1, 0 }, { 20, 1, 0 } };
    TallyConfig config { 2, Weighting::OneAgentOneVote, Threshold::simple_majority(), {}, 1000 };
    auto created = Tally::create(config, electors);
    EXPECT(created.is_ok());
    Tally tally = created.release_value();
    EXPECT(tally.cast(10, Ballot::for_option(0), 1).is_ok());
    EXPECT_EQ(tally.cast(10, Ballot::for_option(1), 1).error(), Error::AlreadyExists);
    EXPECT_EQ(tally.cast(99, Ballot::for_option(1), 1).error(), Error::AccessDenied);
    EXPECT(tally.cast(20, Ballot::for_option(0), 1).is_ok());
    EXPECT(tally.evaluate(1).kind == OutcomeKind::Undecided);
    EXPECT(tally.cast(30, Ballot::for_option(1), 1).is_ok());
    EXPECT(tally.cast(40, Ballot::for_option(1), 1).is_ok());
    Outcome outcome = tally.evaluate(1);
    EXPECT(outcome.kind == OutcomeKind::Tie);
    EXPECT_EQ(outcome.tied_options, 3u);
}

KERNEL_TEST(collective_tally_weighted_early_decision)
{
    static Elector electors[3] = { { 1, 70, 0 }, { 2, 20, 0 }, { 3, 10, 0 } };
    TallyConfig config { 3, Weighting::ReputationWeighted, Threshold::supermajority(2, 3), { 0, 50 }, 1000 };
    Tally tally = Tally::create(config, electors).release_value();
    EXPECT(tally.cast(1, Ballot::for_option(2), 5).is_ok());
    EXPECT(tally.evaluate(5) == Outcome::decided(2)); // 70 >= 2/3 of 100
    EXPECT_EQ(tally.cast(2, Ballot::for_option(0), 1000).error(), Error::TimedOut);
}

KERNEL_TEST(collective_auction_vickrey_multi_unit)
{
    static SealedBid storage[8];
    AuctionConfig config { Pricing::SecondPrice, 2, 5, TieBreak::LowerAgentId };
    SealedBidAuction auction = SealedBidAuction::create(config, storage).release_value();
    EXPECT(auction.submit(7, 30, 100).is_ok());
    EXPECT(auction.submit(3, 50, 100).is_ok());
    EXPECT(auction.submit(9, 30, 100).is_ok());
    EXPECT_EQ(auction.submit(4, 60, 59).error(), Error::QuotaExceeded);
    EXPECT_EQ(auction.submit(5, 4, 100).error(), Error::OutOfRange);
    Award awards[2];
    auto winners = auction.close(awards);
    EXPECT(winners.is_ok());
    EXPECT_EQ(winners.value(), 2u);
    EXPECT_EQ(awards[0].bidder, 3u);
    EXPECT_EQ(awards[1].bidder, 7u); // ties with 9 at 30: the lower id wins
    EXPECT_EQ(awards[0].price, 30u);
    EXPECT_EQ(awards[1].price, 30u);
}

KERNEL_TEST(collective_token_bucket_exact_refill)
{
    // 3 tokens every 7 seconds, drained at irregular intervals for 100000 simulated seconds.
    constexpr Nanoseconds second = nanoseconds_per_second;
    TokenBucket bucket = TokenBucket::create(UINT64_MAX, 3, 7 * second, 0, 0).release_value();
    uint64_t state = 1;
    uint64_t taken = 0;
    Nanoseconds now = 0;
    constexpr Nanoseconds end = 100'000 * second;
    while (now < end) {
        now += 1 + next_random(state) % (3 * second);
        if (now > end)
            now = end;
        uint64_t available = bucket.available(now);
        taken += available;
        EXPECT(bucket.try_charge(available, now).is_ok());
    }
    EXPECT_EQ(taken, 3u * 100'000 / 7);
    EXPECT_EQ(bucket.carried_fraction(), (3 * end) % (7 * second));
}

KERNEL_TEST(collective_wide_division)
{
    auto division = divide_wide(make_wide(0x123456789abcdefull, 0xfedcba9876543210ull), 0x87654321ull);
    // Reference values computed with arbitrary-precision integers.
    EXPECT_EQ(high_half(division.quotient), 0x226b902ull);
    EXPECT_EQ(low_half(division.quotient), 0x26b46167197d6897ull);
    EXPECT_EQ(division.remainder, 0x76373199ull);
}

KERNEL_TEST(collective_eigentrust_golden_checksum)
{
    static PeerTrust peers[16];
    static FeedbackSlot slots[256];
    EigenTrust trust = EigenTrust::create({}, peers, slots).release_value();
    const PeerIndex pretrusted[] = { 0, 1 };
    EXPECT(trust.set_pretrusted(Span<const PeerIndex>(pretrusted, 2)).is_ok());
    uint64_t state = 42;
    for (int k = 0; k < 400; ++k) {
        PeerIndex from = next_random(state) % 16;
        PeerIndex to = next_random(state) % 16;
        if (from == to)
            continue;
        bool good_uploader = to < 12;
        bool satisfied = from < 12 ? good_uploader : !good_uploader;
        EXPECT(trust.record_feedback(from, to, satisfied ? 1 : 0, satisfied ? 0 : 1).is_ok());
    }
    EXPECT(trust.compute().converged);
    uint64_t checksum = 0;
    for (PeerIndex i = 0; i < 16; ++i)
        checksum = checksum * 31 + trust.trust(i);
    // The same value tests/host/CollectiveGoldenTest.cpp asserts: identical bits on both builds.
    EXPECT_EQ(checksum, 920671231830817797ull);
    for (PeerIndex i = 12; i < 16; ++i)
        EXPECT_EQ(trust.trust(i), 0u); // the malicious collective earns nothing
    EXPECT(trust.trust(5) > trust_one / 100);
}

} // namespace gehri::collective

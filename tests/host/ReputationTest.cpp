#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <set>
#include <random>
#include <kernel/collective/ProposalBoard.h>
#include <kernel/collective/Reputation.h>
#include <kernel/collective/TrustWeights.h>
#include <tests/host/support/CollectiveTestSupport.h>
#include <tests/host/support/ReputationScenario.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;
using audit::RecordKind;

TEST(TrustWeights, WorkedExamples)
{
    EXPECT_EQ(relative_trust_ppm(trust_one / 4, 4), 1'000'000u);
    EXPECT_EQ(relative_trust_ppm(trust_one / 2, 4), 2'000'000u);
    EXPECT_EQ(relative_trust_ppm(trust_one / 8, 4), 500'000u);
    EXPECT_EQ(relative_trust_ppm(trust_one / 8, 4, trust_one / 2), 1'000'000u); // the mean is 1/8
    EXPECT_EQ(relative_trust_ppm(0, 4), 0u);
    EXPECT_EQ(relative_trust_ppm(5, 4, 0), 1'000'000u);
    EXPECT_EQ(relative_trust_ppm(trust_one, 1000), max_relative_trust_ppm);
    EXPECT_EQ(relative_trust_ppm(trust_one, SIZE_MAX), max_relative_trust_ppm);

    EXPECT_EQ(trust_vote_weight(trust_one / 4, 4), 1000u);
    EXPECT_EQ(trust_vote_weight(trust_one / 2, 4), 2000u);
    EXPECT_EQ(trust_vote_weight(trust_one, 100), max_vote_weight);
    EXPECT_EQ(trust_vote_weight(0, 4), 0u);

    EXPECT_EQ(trust_scheduling_weight(100, trust_one / 8, 4), 50u);
    EXPECT_EQ(trust_scheduling_weight(100, trust_one / 2, 4), 100u); // never raised
    EXPECT_EQ(trust_scheduling_weight(100, 0, 4), 10u);              // the 10% floor
    EXPECT_EQ(trust_scheduling_weight(1, 0, 4), 1u);                 // still runs
    EXPECT_EQ(trust_scheduling_weight(UINT64_MAX, trust_one / 4, 4), UINT64_MAX);
    EXPECT_EQ(trust_scheduling_weight(100, 0, 4, trust_one, 2'000'000), 100u); // floor capped at 1.0
}

TEST(Reputation, RegistrationRules)
{
    Service s({}, 4);
    EXPECT_EQ(s.reputation->register_agent(kernel_agent, 0).error(), Error::InvalidArgument);
    EXPECT_TRUE(s.reputation->register_agent(5, 0).is_ok());
    EXPECT_EQ(s.reputation->register_agent(5, 0).error(), Error::AlreadyExists);
    EXPECT_TRUE(s.reputation->register_agent(6, 0).is_ok());
    EXPECT_TRUE(s.reputation->register_agent(7, 0).is_ok());
    EXPECT_TRUE(s.reputation->register_agent(8, 0).is_ok());
    EXPECT_EQ(s.reputation->register_agent(9, 0).error(), Error::OutOfMemory);
    EXPECT_EQ(s.reputation->agent_count(), 4u);
    EXPECT_TRUE(s.reputation->is_registered(7));
    EXPECT_FALSE(s.reputation->is_registered(9));
    const AgentId unknown[] = { 9 };
    EXPECT_EQ(s.reputation->set_pretrusted(unknown, 0).error(), Error::NotFound);
}

TEST(Reputation, CreateRejectsBadStorage)
{
    AuditFixture audit;
    RecordingOutbox outbox;
    std::vector<ReputationPeer> peers(8);
    std::vector<PeerTrust> trust(8);
    std::vector<FeedbackSlot> feedback(64);
    std::vector<HashSlot<uint32_t>> index(8); // 8 slots hold at most 7: too few for 8 peers
    ReputationStorage storage { { peers.data(), 8 }, { trust.data(), 8 }, { feedback.data(), 64 }, { index.data(), 8 } };
    EXPECT_EQ(Reputation::create({}, storage, audit.trail, outbox, 0).error(), Error::InvalidArgument);
    index.resize(16);
    storage.index = { index.data(), 16 };
    storage.trust = { trust.data(), 7 };
    EXPECT_EQ(Reputation::create({}, storage, audit.trail, outbox, 0).error(), Error::InvalidArgument);
    storage.trust = { trust.data(), 8 };
    storage.feedback = { feedback.data(), 63 };
    EXPECT_EQ(Reputation::create({}, storage, audit.trail, outbox, 0).error(), Error::InvalidArgument);
    storage.feedback = { feedback.data(), 64 };
    ReputationConfig config;
    config.trust.damping_ppm = 0;
    EXPECT_EQ(Reputation::create(config, storage, audit.trail, outbox, 0).error(), Error::InvalidArgument);
    EXPECT_TRUE(Reputation::create({}, storage, audit.trail, outbox, 0).is_ok());
}

TEST(Reputation, ReportsAreValidatedAndRateLimited)
{
    Service s;
    for (AgentId a : { 1, 2, 3 })
        ASSERT_TRUE(s.reputation->register_agent(a, 0).is_ok());
    EXPECT_EQ(s.reputation->report(1, 1, 1, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->report(1, 9, 1, 0, 0).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->report(9, 1, 1, 0, 0).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->report(1, kernel_agent, 0, 1, 0).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->report(9, 9, 0, 1, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->report(1, 2, 0, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->report(1, 2, 10, 7, 0).error(), Error::OutOfRange);
    EXPECT_EQ(s.reputation->report(1, 2, UINT32_MAX, UINT32_MAX, 0).error(), Error::OutOfRange);
    // A burst of 20 reports, then 5 a second.
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(s.reputation->report(1, 2, 1, 0, 0).is_ok()) << i;
    EXPECT_EQ(s.reputation->report(1, 3, 1, 0, 0).error(), Error::QuotaExceeded);
    EXPECT_TRUE(s.reputation->report(2, 3, 1, 0, 0).is_ok()); // others are not limited by 1
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(s.reputation->report(1, 3, 1, 0, second).is_ok()) << i;
    EXPECT_EQ(s.reputation->report(1, 3, 1, 0, second).error(), Error::QuotaExceeded);
}

TEST(Reputation, MaliciousCollectiveIsQuarantinedAndLosesItsVote)
{
    Service s;
    Nanoseconds now = 0;
    run_collective(s, now);
    size_t quarantined = 0;
    for (int i = 0; i < 10; ++i)
        quarantined += s.reputation->update(now);
    EXPECT_EQ(quarantined, 4u);
    for (AgentId a = 1; a <= 10; ++a) {
        EXPECT_FALSE(s.reputation->is_quarantined(a)) << a;
        EXPECT_TRUE(s.reputation->may_vote(a));
        EXPECT_GT(s.reputation->vote_weight(a), 500u) << a;
        EXPECT_EQ(s.reputation->scheduling_weight(a, 100), 100u) << a;
    }
    for (AgentId a = 101; a <= 104; ++a) {
        EXPECT_TRUE(s.reputation->is_quarantined(a)) << a;
        EXPECT_FALSE(s.reputation->may_vote(a));
        EXPECT_EQ(s.reputation->vote_weight(a), 0u);
        EXPECT_EQ(s.reputation->scheduling_weight(a, 100), 10u) << a;
        auto events = s.outbox.events_for(a);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].kind, EventKind::Quarantined);
    }
    auto records = s.audit.records(RecordKind::Quarantine);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[0].agent, 101u);
    EXPECT_LT(records[0].integer("relative_ppm"), 100'000);
    EXPECT_EQ(records[0].integer("threshold_ppm"), 100'000);
    EXPECT_FALSE(s.reputation->may_vote(kernel_agent));
    EXPECT_FALSE(s.reputation->may_vote(999));

    // The board asks the reputation service who may vote.
    std::vector<ProposalSlot> slots(2);
    std::vector<Elector> electors(32);
    auto board = ProposalBoard::create({}, { slots.data(), 2 }, { electors.data(), 32 }, s.audit.trail, s.outbox, &*s.reputation).release_value();
    std::vector<AgentId> everyone { 1, 2, 3, 101, 102 };
    const StringView options[] = { "no", "yes" };
    ProposalSpec spec { "policy", "q", options, Threshold::simple_majority(), {}, Weighting::ReputationWeighted, now + second, false, nullptr };
    auto id = board.open(1, spec, { everyone.data(), everyone.size() }, now).value();
    EXPECT_EQ(board.find(id)->tally->electorate_size(), 3u);
    EXPECT_EQ(board.vote(101, id, Ballot::for_option(1), now).error(), Error::AccessDenied);
}

TEST(Reputation, LiftingNeedsAnAuthorityAndGrantsGrace)
{
    ReputationConfig config;
    config.lift_grace = 30 * second;
    Service s(config);
    Nanoseconds now = 0;
    run_collective(s, now);
    for (int i = 0; i < 10; ++i)
        (void)s.reputation->update(now);
    ASSERT_TRUE(s.reputation->is_quarantined(101));
    EXPECT_EQ(s.reputation->lift(1, LiftAuthority::Human, 0, now).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->lift(999, LiftAuthority::Human, 0, now).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->lift(101, LiftAuthority::Vote, 0, now).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->lift(101, LiftAuthority::Human, 7, now).error(), Error::InvalidArgument);
    EXPECT_TRUE(s.reputation->lift(101, LiftAuthority::Human, 0, now).is_ok());
    EXPECT_TRUE(s.reputation->lift(102, LiftAuthority::Vote, 42, now).is_ok());
    EXPECT_FALSE(s.reputation->is_quarantined(101));
    EXPECT_TRUE(s.reputation->may_vote(102));
    auto lifted = s.audit.records(RecordKind::QuarantineLifted);
    ASSERT_EQ(lifted.size(), 2u);
    EXPECT_EQ(lifted[0].text("by"), "human");
    EXPECT_EQ(lifted[1].text("by"), "vote");
    EXPECT_EQ(lifted[1].integer("proposal"), 42);
    EXPECT_EQ(s.outbox.count(EventKind::QuarantineLifted), 2u);
    // Within the grace period the still-distrusted agents stay free; after it, not.
    EXPECT_EQ(s.reputation->update(now + 30 * second - 1), 0u);
    EXPECT_EQ(s.reputation->update(now + 30 * second), 2u);
    EXPECT_TRUE(s.reputation->is_quarantined(101));
}

TEST(Reputation, PreTrustedAndNewcomersAreNotQuarantined)
{
    Service s;
    Nanoseconds now = 0;
    for (AgentId a = 1; a <= 6; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, now).is_ok());
    const AgentId anchor[] = { 6 };
    ASSERT_TRUE(s.reputation->set_pretrusted(anchor, now).is_ok());
    // Everyone slanders 6 (pre-trusted) and says nothing of 5 (a newcomer).
    for (AgentId a = 1; a <= 4; ++a)
        ASSERT_TRUE(s.reputation->report(a, 6, 0, 10, now).is_ok());
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(s.reputation->update(now), 0u);
    EXPECT_FALSE(s.reputation->is_quarantined(5));
    EXPECT_FALSE(s.reputation->is_quarantined(6));
    EXPECT_EQ(s.reputation->scheduling_weight(5, 100), 100u); // no evidence: full weight
}

TEST(Reputation, PolicyDenialsCountAgainstStanding)
{
    Service s;
    Nanoseconds now = 0;
    for (AgentId a = 1; a <= 6; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, now).is_ok());
    for (AgentId a = 1; a <= 4; ++a) {
        ASSERT_TRUE(s.reputation->report(a, 5, 2, 0, now).is_ok());
        ASSERT_TRUE(s.reputation->report(a, 6, 2, 0, now).is_ok());
    }
    (void)s.reputation->recompute();
    EXPECT_EQ(s.reputation->trust(5), s.reputation->trust(6));
    EXPECT_EQ(s.reputation->penalize(99, now).error(), Error::NotFound);
    uint64_t before = s.reputation->relative_trust(5);
    uint64_t weight = s.reputation->vote_weight(5);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(s.reputation->penalize(5, now).is_ok());
    EXPECT_EQ(s.reputation->relative_trust(5), before); // not yet a full halving
    ASSERT_TRUE(s.reputation->penalize(5, now).is_ok());
    EXPECT_EQ(s.reputation->denials(5), 4u);
    EXPECT_EQ(s.reputation->denials(6), 0u);
    EXPECT_EQ(s.reputation->relative_trust(5), before / 2);
    EXPECT_NEAR(static_cast<double>(s.reputation->vote_weight(5)), weight / 2.0, 1.0);
    EXPECT_EQ(s.reputation->relative_trust(6), before);
    // Enough denials quarantine an agent its peers still like; a lift forgives them.
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(s.reputation->penalize(5, now).is_ok());
    EXPECT_EQ(s.reputation->update(now), 1u);
    EXPECT_TRUE(s.reputation->is_quarantined(5));
    EXPECT_EQ(s.audit.records(RecordKind::Quarantine)[0].integer("denials"), 24);
    ASSERT_TRUE(s.reputation->lift(5, LiftAuthority::Human, 0, now).is_ok());
    EXPECT_EQ(s.reputation->denials(5), 0u);
    EXPECT_EQ(s.reputation->update(now + 3600 * second), 0u);
}

// The wildfire swarm's size: 4,096 agents enrolled into storage that starts at 64 records and
// doubles (as the kernel's govern layer does), 40 partners each, a collective of 400 praising
// itself and slandering the rest. update() refines with its bounded work; the collective, and
// nobody else, ends in quarantine.
TEST(Reputation, FourThousandAgentsInGrowingStorage)
{
    constexpr size_t agents = 4096;
    constexpr size_t good = 3696;
    ReputationConfig config;
    config.report_burst = 1'000'000; // rate limits are tested elsewhere
    AuditFixture audit;
    RecordingOutbox outbox;
    struct Tables {
        std::vector<ReputationPeer> peers;
        std::vector<PeerTrust> trust;
        std::vector<FeedbackSlot> feedback;
        std::vector<HashSlot<uint32_t>> index;
        ReputationStorage storage()
        {
            return { { peers.data(), peers.size() }, { trust.data(), trust.size() }, { feedback.data(), feedback.size() }, { index.data(), index.size() } };
        }
    };
    auto tables = std::make_unique<Tables>(Tables { std::vector<ReputationPeer>(64), std::vector<PeerTrust>(64), std::vector<FeedbackSlot>(512), std::vector<HashSlot<uint32_t>>(128) });
    auto reputation = Reputation::create(config, tables->storage(), audit.trail, outbox, 0).release_value();
    auto grow = [&](size_t capacity, size_t feedback_slots) {
        auto bigger = std::make_unique<Tables>(Tables { std::vector<ReputationPeer>(capacity), std::vector<PeerTrust>(capacity),
            std::vector<FeedbackSlot>(feedback_slots), std::vector<HashSlot<uint32_t>>(2 * capacity) });
        ASSERT_TRUE(reputation.grow(bigger->storage()).is_ok());
        tables = std::move(bigger); // the old storage is freed only now
    };
    Nanoseconds now = 0;
    for (AgentId agent = 1; agent <= agents; ++agent) {
        if (reputation.agent_count() == reputation.capacity())
            grow(2 * reputation.capacity(), tables->feedback.size());
        ASSERT_TRUE(reputation.register_agent(agent, now).is_ok());
    }
    EXPECT_EQ(reputation.capacity(), agents);
    std::vector<AgentId> anchors;
    for (AgentId agent = 1; agent <= 16; ++agent)
        anchors.push_back(agent);
    ASSERT_TRUE(reputation.set_pretrusted(Span<const AgentId>(anchors.data(), anchors.size()), now).is_ok());
    std::mt19937_64 random(17);
    auto is_good = [](AgentId agent) { return agent <= good; };
    for (AgentId rater = 1; rater <= agents; ++rater) {
        for (int partner = 0; partner < 40; ++partner) {
            AgentId ratee = 1 + random() % agents;
            if (ratee == rater)
                continue;
            bool satisfied = is_good(rater) ? is_good(ratee) : !is_good(ratee);
            if (!reputation.has_feedback_room())
                grow(reputation.capacity(), 2 * tables->feedback.size());
            ASSERT_TRUE(reputation.report(rater, ratee, satisfied ? 4 : 0, satisfied ? 0 : 4, now).is_ok());
        }
    }
    // Judged only once the graph is complete: quarantine is sticky, and half a graph would
    // condemn good agents nobody has vouched for yet.
    EXPECT_GT(reputation.feedback_edges(), 150'000u);
    EXPECT_EQ(reputation.feedback_slots(), size_t { 1 } << 18);
    // An iteration takes ~9 updates here, and judging waits for a settled vector: the first
    // updates, still on the pre-trust vector that gives nobody but the anchors any trust,
    // condemn nobody.
    size_t early = 0;
    for (int round = 0; round < 8; ++round)
        early += reputation.update(now);
    EXPECT_EQ(early, 0u);
    for (int round = 0; round < 300; ++round)
        (void)reputation.update(now);
    size_t wrongly = 0;
    size_t caught = 0;
    for (AgentId agent = 1; agent <= agents; ++agent) {
        if (reputation.is_quarantined(agent))
            ++(is_good(agent) ? wrongly : caught);
    }
    EXPECT_EQ(wrongly, 0u);
    EXPECT_EQ(caught, agents - good);

    // The collective exits; as many newcomers take its slots (and its ratings go), the storage
    // does not grow.
    size_t edges = reputation.feedback_edges();
    for (AgentId agent = good + 1; agent <= agents; ++agent)
        ASSERT_TRUE(reputation.depart(agent).is_ok());
    for (AgentId agent = 10'001; agent <= 10'000 + agents - good; ++agent)
        ASSERT_TRUE(reputation.register_agent(agent, now).is_ok());
    EXPECT_EQ(reputation.capacity(), agents);
    EXPECT_EQ(reputation.departed_count(), 0u);
    EXPECT_FALSE(reputation.is_registered(agents));
    EXPECT_LT(reputation.feedback_edges(), edges - 400 * 30);
    EXPECT_EQ(reputation.register_agent(20'000, now).error(), Error::OutOfMemory);
}

TEST(Reputation, GrowRefusesStorageThatCannotHoldWhatIsThere)
{
    Service s({}, 4);
    for (AgentId agent = 1; agent <= 4; ++agent)
        ASSERT_TRUE(s.reputation->register_agent(agent, 0).is_ok());
    ASSERT_TRUE(s.reputation->report(1, 2, 3, 0, 0).is_ok());
    std::vector<ReputationPeer> peers(8);
    std::vector<PeerTrust> trust(8);
    std::vector<FeedbackSlot> feedback(2);
    std::vector<HashSlot<uint32_t>> index(16);
    std::vector<HashSlot<uint32_t>> small_index(4);
    ReputationStorage too_small_index { { peers.data(), 8 }, { trust.data(), 8 }, { s.feedback.data(), s.feedback.size() }, { small_index.data(), 4 } };
    EXPECT_EQ(s.reputation->grow(too_small_index).error(), Error::InvalidArgument);
    ReputationStorage fewer { { peers.data(), 2 }, { trust.data(), 2 }, { s.feedback.data(), s.feedback.size() }, { index.data(), 16 } };
    EXPECT_EQ(s.reputation->grow(fewer).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->capacity(), 4u);
    ReputationStorage bigger { { peers.data(), 8 }, { trust.data(), 8 }, { s.feedback.data(), s.feedback.size() }, { index.data(), 16 } };
    ASSERT_TRUE(s.reputation->grow(bigger).is_ok());
    EXPECT_EQ(s.reputation->capacity(), 8u);
    EXPECT_TRUE(s.reputation->is_registered(4));
    EXPECT_TRUE(s.reputation->register_agent(5, 0).is_ok());
    EXPECT_EQ(s.reputation->report(1, 2, 1, 0, 0).is_ok(), true); // the rater's bucket moved along
}

TEST(Reputation, ForgettingAnAgentFreesItsSlotAndRatings)
{
    Service s({}, 4);
    for (AgentId agent = 1; agent <= 4; ++agent)
        ASSERT_TRUE(s.reputation->register_agent(agent, 0).is_ok());
    ASSERT_TRUE(s.reputation->report(1, 2, 3, 0, 0).is_ok());
    ASSERT_TRUE(s.reputation->report(2, 3, 3, 0, 0).is_ok());
    ASSERT_TRUE(s.reputation->report(3, 1, 3, 0, 0).is_ok());
    EXPECT_EQ(s.reputation->register_agent(5, 0).error(), Error::OutOfMemory);
    ASSERT_TRUE(s.reputation->forget(2).is_ok());
    EXPECT_EQ(s.reputation->forget(2).error(), Error::NotFound);
    EXPECT_FALSE(s.reputation->is_registered(2));
    EXPECT_EQ(s.reputation->agent_count(), 3u);
    EXPECT_EQ(s.reputation->feedback_edges(), 1u); // only 3 -> 1 is left
    ASSERT_TRUE(s.reputation->register_agent(5, 0).is_ok()); // the slot is reused
    EXPECT_EQ(s.reputation->trust(5), 0u);
    EXPECT_EQ(s.reputation->report(5, 2, 1, 0, 0).error(), Error::NotFound);
    ASSERT_TRUE(s.reputation->report(5, 1, 1, 0, 0).is_ok());
    (void)s.reputation->update(0);
    EXPECT_FALSE(s.reputation->is_quarantined(5));
}

TEST(Reputation, DepartedAgentsStayUntilTheirSlotIsNeeded)
{
    Service s({}, 3);
    for (AgentId agent = 1; agent <= 3; ++agent)
        ASSERT_TRUE(s.reputation->register_agent(agent, 0).is_ok());
    ASSERT_TRUE(s.reputation->report(1, 2, 3, 0, 0).is_ok());
    EXPECT_EQ(s.reputation->register_agent(4, 0).error(), Error::OutOfMemory); // nobody departed
    ASSERT_TRUE(s.reputation->depart(2).is_ok());
    ASSERT_TRUE(s.reputation->depart(2).is_ok());
    EXPECT_EQ(s.reputation->depart(9).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->departed_count(), 1u);
    // Still known: it may be rated and vote, and its ratings count.
    EXPECT_TRUE(s.reputation->report(3, 2, 1, 0, 0).is_ok());
    EXPECT_TRUE(s.reputation->may_vote(2));
    EXPECT_EQ(s.reputation->feedback_edges(), 2u);
    // A newcomer takes its slot; it and its ratings are forgotten.
    ASSERT_TRUE(s.reputation->register_agent(4, 0).is_ok());
    EXPECT_FALSE(s.reputation->is_registered(2));
    EXPECT_EQ(s.reputation->departed_count(), 0u);
    EXPECT_EQ(s.reputation->feedback_edges(), 0u);
    EXPECT_EQ(s.reputation->agent_count(), 3u);
    EXPECT_EQ(s.reputation->register_agent(5, 0).error(), Error::OutOfMemory);
}

TEST(Reputation, AtCapacityDepartedAgentsAreForgottenInBatches)
{
    constexpr AgentId agents = 600;
    Service s({}, agents);
    for (AgentId agent = 1; agent <= agents; ++agent)
        ASSERT_TRUE(s.reputation->register_agent(agent, 0).is_ok());
    // Everyone rates the next one; agents 1..400 leave.
    for (AgentId agent = 1; agent <= agents; ++agent)
        ASSERT_TRUE(s.reputation->report(agent, agent % agents + 1, 1, 0, 0).is_ok());
    for (AgentId agent = 1; agent <= 400; ++agent)
        ASSERT_TRUE(s.reputation->depart(agent).is_ok());
    // One newcomer frees a whole batch: the oldest departed, with every rating they gave or got.
    ASSERT_TRUE(s.reputation->register_agent(1'001, 0).is_ok());
    EXPECT_EQ(s.reputation->departed_count(), 400 - Reputation::forget_batch);
    for (AgentId agent = 1; agent <= Reputation::forget_batch; ++agent)
        EXPECT_FALSE(s.reputation->is_registered(agent)) << agent;
    EXPECT_TRUE(s.reputation->is_registered(Reputation::forget_batch + 1));
    // Edges left: those among agents forget_batch+1 .. 600 (the last wraps to 1, forgotten).
    EXPECT_EQ(s.reputation->feedback_edges(), agents - Reputation::forget_batch - 1);
    // The next newcomers take the freed slots without forgetting anyone else.
    for (AgentId agent = 1'002; agent < 1'001 + Reputation::forget_batch; ++agent)
        ASSERT_TRUE(s.reputation->register_agent(agent, 0).is_ok());
    EXPECT_EQ(s.reputation->departed_count(), 400 - Reputation::forget_batch);
    ASSERT_TRUE(s.reputation->register_agent(2'000, 0).is_ok());
    EXPECT_EQ(s.reputation->departed_count(), 0u);
    EXPECT_EQ(s.reputation->agent_count(), agents - 400 + Reputation::forget_batch + 1);
    // The survivors' ratings still shape trust.
    (void)s.reputation->update(0);
    EXPECT_FALSE(s.reputation->is_quarantined(500));
}

TEST(Reputation, TrustFactorsReachTheKernelWithHysteresis)
{
    Service s;
    Nanoseconds now = 0;
    run_collective(s, now);
    for (int i = 0; i < 10; ++i)
        (void)s.reputation->update(now);
    // The collective falls to the floor (10% of its weight); the honest agents stay at 1.0, which
    // is what the kernel assumed: nothing to hand over for them.
    std::map<AgentId, uint64_t> factors;
    for (const auto& effect : s.outbox.effects) {
        ASSERT_EQ(effect.kind, EffectKind::TrustWeight);
        EXPECT_EQ(effect.until, UINT64_MAX);
        factors[effect.agent] = effect.value;
    }
    ASSERT_EQ(factors.size(), 4u);
    for (AgentId a = 101; a <= 104; ++a) {
        EXPECT_EQ(factors[a], default_scheduling_floor_ppm) << a;
        EXPECT_EQ(s.reputation->scheduling_factor_ppm(a), default_scheduling_floor_ppm);
    }
    for (AgentId a = 1; a <= 10; ++a)
        EXPECT_EQ(s.reputation->scheduling_factor_ppm(a), 1'000'000u) << a;
    EXPECT_EQ(s.reputation->scheduling_factor_ppm(999), 1'000'000u);
    auto records = s.audit.records(RecordKind::ResourceEffect);
    ASSERT_GE(records.size(), 4u);
    EXPECT_EQ(records.back().text("effect"), "trust_weight");
    EXPECT_EQ(records.back().integer("factor_ppm"), 100'000);
    // Settled trust moves by less than the step: no new effects.
    size_t before = s.outbox.effects.size();
    for (int i = 0; i < 5; ++i)
        (void)s.reputation->update(now);
    EXPECT_EQ(s.outbox.effects.size(), before);
}

TEST(Reputation, TrustFactorEffectsAreBoundedPerUpdate)
{
    ReputationConfig config;
    config.weight_effects_per_update = 1;
    Service s(config);
    Nanoseconds now = 0;
    run_collective(s, now);
    std::vector<size_t> per_update;
    for (int i = 0; i < 30; ++i) {
        size_t before = s.outbox.effects.size();
        (void)s.reputation->update(now);
        per_update.push_back(s.outbox.effects.size() - before);
    }
    for (size_t count : per_update)
        EXPECT_LE(count, 1u);
    // Every collective member was reached over the updates, and ends at the floor; no honest
    // agent was touched.
    std::map<AgentId, uint64_t> last;
    for (const auto& effect : s.outbox.effects)
        last[effect.agent] = effect.value;
    ASSERT_EQ(last.size(), 4u);
    for (AgentId a = 101; a <= 104; ++a)
        EXPECT_EQ(last[a], default_scheduling_floor_ppm) << a;
}

TEST(Reputation, ReputationWeightedVotesUseTrust)
{
    Service s;
    Nanoseconds now = 0;
    run_collective(s, now);
    for (int i = 0; i < 10; ++i)
        (void)s.reputation->update(now);
    std::vector<ProposalSlot> slots(1);
    std::vector<Elector> electors(16);
    auto board = ProposalBoard::create({}, { slots.data(), 1 }, { electors.data(), 16 }, s.audit.trail, s.outbox, &*s.reputation).release_value();
    std::vector<AgentId> voters { 1, 2, 3, 4 };
    const StringView options[] = { "no", "yes" };
    ProposalSpec spec { "policy", "q", options, Threshold::simple_majority(), {}, Weighting::ReputationWeighted, now + second, false, nullptr };
    auto id = board.open(1, spec, { voters.data(), voters.size() }, now).value();
    uint64_t total = 0;
    for (AgentId a : voters) {
        uint64_t weight = s.reputation->vote_weight(a);
        // 1000 per unit of relative trust: standing 1.37x the mean weighs 1370.
        EXPECT_EQ(weight, s.reputation->relative_trust(a) / 1000) << a;
        total += weight;
    }
    EXPECT_EQ(board.find(id)->tally->electorate_weight(), total);
    // Agent 1's ballot carries its trust-derived weight, not 1.
    ASSERT_TRUE(board.vote(1, id, Ballot::for_option(1), now).is_ok());
    EXPECT_EQ(board.find(id)->tally->option_weight(1), s.reputation->vote_weight(1));
}

// AgentQuarantine's core: a supervisor's quarantine stands beside the trust judgment; each
// authority lifts only what it may.
TEST(Reputation, SupervisorQuarantineIsItsOwnToLift)
{
    Service s;
    Nanoseconds now = 0;
    for (AgentId a = 1; a <= 4; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, now).is_ok());
    EXPECT_EQ(s.reputation->impose(9, 1, "rogue", now).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->impose(2, 2, "self", now).error(), Error::InvalidArgument);
    EXPECT_EQ(s.reputation->impose(kernel_agent, 1, "kernel", now).error(), Error::InvalidArgument);
    ASSERT_TRUE(s.reputation->impose(2, 1, "lies about the fire", now).is_ok());
    EXPECT_TRUE(s.reputation->is_quarantined(2));
    EXPECT_FALSE(s.reputation->is_quarantined_by_trust(2));
    EXPECT_EQ(s.reputation->imposed_by(2), 1u);
    EXPECT_FALSE(s.reputation->may_vote(2));
    EXPECT_EQ(s.reputation->vote_weight(2), 0u);
    EXPECT_TRUE(s.reputation->impose(2, 1, "again", now).is_ok()); // the same: a no-op
    EXPECT_EQ(s.reputation->impose(2, 3, "other", now).error(), Error::AlreadyExists);
    auto records = s.audit.records(RecordKind::Quarantine);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].agent, 2u);
    EXPECT_EQ(records[0].text("by"), "supervisor");
    EXPECT_EQ(records[0].integer("supervisor"), 1);
    EXPECT_EQ(records[0].text("reason"), "lies about the fire");
    auto events = s.outbox.events_for(2);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, EventKind::Quarantined);
    EXPECT_EQ(events[0].detail, 1u); // the supervisor

    // Neither another supervisor nor a vote lifts it; its own supervisor does.
    EXPECT_EQ(s.reputation->lift_imposed(2, 3, now).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->lift_imposed(4, 1, now).error(), Error::NotFound);
    EXPECT_EQ(s.reputation->lift(2, LiftAuthority::Vote, 5, now).error(), Error::NotFound);
    ASSERT_TRUE(s.reputation->lift_imposed(2, 1, now).is_ok());
    EXPECT_FALSE(s.reputation->is_quarantined(2));
    EXPECT_TRUE(s.reputation->may_vote(2));
    EXPECT_EQ(s.reputation->lift_imposed(2, 1, now).error(), Error::NotFound);
    auto lifted = s.audit.records(RecordKind::QuarantineLifted);
    ASSERT_EQ(lifted.size(), 1u);
    EXPECT_EQ(lifted[0].text("by"), "supervisor");
    EXPECT_EQ(lifted[0].integer("supervisor"), 1);
    EXPECT_EQ(s.outbox.count(EventKind::QuarantineLifted), 1u);

    // A human lifts a supervisor's quarantine too.
    ASSERT_TRUE(s.reputation->impose(3, 1, "", now).is_ok());
    ASSERT_TRUE(s.reputation->lift(3, LiftAuthority::Human, 0, now).is_ok());
    EXPECT_FALSE(s.reputation->is_quarantined(3));
    EXPECT_EQ(s.reputation->imposed_by(3), 0u);
    EXPECT_EQ(s.audit.records(RecordKind::QuarantineLifted).back().integer("supervisor"), 1);
    // Forgetting an agent forgets its supervisor's quarantine.
    ASSERT_TRUE(s.reputation->impose(4, 1, "", now).is_ok());
    ASSERT_TRUE(s.reputation->forget(4).is_ok());
    ASSERT_TRUE(s.reputation->register_agent(4, now).is_ok());
    EXPECT_FALSE(s.reputation->is_quarantined(4));
}

TEST(Reputation, SupervisorAndTrustQuarantinesOverlap)
{
    Service s;
    Nanoseconds now = 0;
    run_collective(s, now);
    ASSERT_TRUE(s.reputation->impose(101, 1, "caught", now).is_ok());
    for (int i = 0; i < 10; ++i)
        (void)s.reputation->update(now);
    // The trust judgment quarantines 101 as well (audited), but it was told only once.
    EXPECT_TRUE(s.reputation->is_quarantined_by_trust(101));
    EXPECT_EQ(s.audit.records(RecordKind::Quarantine).size(), 5u);
    EXPECT_EQ(s.outbox.events_for(101).size(), 1u);
    // Lifting the supervisor's leaves the trust quarantine: still cut off, not told otherwise.
    ASSERT_TRUE(s.reputation->lift_imposed(101, 1, now).is_ok());
    EXPECT_TRUE(s.reputation->is_quarantined(101));
    EXPECT_EQ(s.audit.records(RecordKind::QuarantineLifted).back().integer("still_cut_off"), 1);
    EXPECT_EQ(s.outbox.count(EventKind::QuarantineLifted), 0u);
    // A supervisor's on top of the trust's: no second event; a vote lifts the trust's only.
    ASSERT_TRUE(s.reputation->impose(102, 1, "caught", now).is_ok());
    EXPECT_EQ(s.outbox.events_for(102).size(), 1u);
    ASSERT_TRUE(s.reputation->lift(102, LiftAuthority::Vote, 9, now).is_ok());
    EXPECT_TRUE(s.reputation->is_quarantined(102));
    EXPECT_EQ(s.outbox.count(EventKind::QuarantineLifted), 0u);
    ASSERT_TRUE(s.reputation->lift_imposed(102, 1, now).is_ok());
    EXPECT_FALSE(s.reputation->is_quarantined(102));
    EXPECT_EQ(s.outbox.count(EventKind::QuarantineLifted), 1u);
}

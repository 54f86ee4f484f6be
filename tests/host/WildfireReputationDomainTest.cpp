#include <gtest/gtest.h>
#include <kernel/collective/TrustDomain.h>
#include <user/wildfire/Scenario.h>
#include <vector>

// The swarm's trust kept the way the demo keeps it (agents/wildfire/KernelTrust): in a kernel
// reputation domain (the TrustDomain a ReputationDomainObject holds), fed in batches, judged by the
// domain and read back as raw trust. The run must equal the in-process model's, digest
// included. (Whom the kernel then cuts off is the in-kernel tests' business: no agents here.)
using namespace gehri;
using namespace gehri::wildfire;
using collective::TrustDomain;

namespace {

gehri::abi::ReputationDomainRequest swarm_request(const ScenarioConfig& config)
{
    gehri::abi::ReputationDomainRequest request;
    request.peers = config.drones + 1;
    request.feedback_slots = static_cast<uint32_t>(Scenario::trust_feedback_slots(config));
    request.max_iterations = config.trust_iterations;
    request.pretrusted_count = 1;
    request.pretrusted[0] = config.drones;
    return request;
}

class DomainTrust final : public SwarmTrust {
public:
    explicit DomainTrust(const ScenarioConfig& config)
        : m_domain(TrustDomain::create(swarm_request(config)).release_value())
        , m_trust(config.drones + 1)
    {
        EXPECT_TRUE(m_domain.trust(0, Span<uint64_t>(m_trust.data(), m_trust.size())).is_ok());
    }
    void rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied) override { m_queue.push_back({ from, to, satisfied, unsatisfied }); }
    RatingCounts flush() override
    {
        // In batches of 7, as the kernel's stops at a refused rating: it is dropped, the rest go again.
        RatingCounts sent = record_in_batches(Span<const gehri::abi::DomainRating>(m_queue.data(), m_queue.size()), 7,
            [&](Span<const gehri::abi::DomainRating> batch) { return m_domain.rate(batch); });
        m_counts.recorded += sent.recorded;
        m_counts.dropped += sent.dropped;
        m_queue.clear();
        RatingCounts counts = m_counts;
        m_counts = {};
        ++flushes;
        return counts;
    }
    Result<size_t> judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out) override
    {
        ++judgments;
        // In small parts, as the kernel object refines with its lock dropped between them: the
        // run must still equal the model's, which refines in one piece.
        uint32_t done = 0;
        for (bool first = true; done < steps; first = false) {
            collective::RefineProgress part = m_domain.refine_part(97, steps - done, first);
            done += part.iterations;
            if (part.converged)
                break;
        }
        size_t total = TRY(m_domain.collect({ policy.fraction_of_mean_ppm, 0, policy.min_ratings_received }, out, [](uint32_t) { }));
        TRY(m_domain.trust(0, Span<uint64_t>(m_trust.data(), m_trust.size())));
        return total;
    }
    uint64_t trust_ppm(uint32_t peer) const override { return collective::trust_to_ppm(m_trust[peer]); }
    bool is_judged(uint32_t peer) { return m_domain.is_judged(peer); }

    uint64_t flushes { 0 };
    uint64_t judgments { 0 };

private:
    TrustDomain m_domain;
    std::vector<uint64_t> m_trust;
    std::vector<gehri::abi::DomainRating> m_queue;
    RatingCounts m_counts {};
};

// Minds in this process; the trust in the domain.
class DomainFleet final : public Fleet {
public:
    explicit DomainFleet(const ScenarioConfig& config)
        : m_trust(config)
    {
        Arena measuring = Arena::measuring();
        size_t side = static_cast<size_t>(2 * config.drone.observe_radius + 1);
        LocalFleet sizing(measuring, config.drones, side * side, Scenario::mind_settings(config));
        m_bytes.resize(measuring.used() + 64);
        Arena arena(Span<uint8_t>(m_bytes.data(), m_bytes.size()));
        m_minds = LocalFleet(arena, config.drones, side * side, Scenario::mind_settings(config));
    }
    Result<void> start(uint32_t drone, const Drone& state) override { return m_minds.start(drone, state); }
    Result<void> stop(uint32_t drone) override { return m_minds.stop(drone); }
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override { return m_minds.post_sense(drone, tick, seen); }
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override { return m_minds.collect_sense(drone, report); }
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override { return m_minds.post_offer(drone, request); }
    Result<OfferReply> collect_offer(uint32_t drone) override { return m_minds.collect_offer(drone); }
    Result<void> post_act(uint32_t drone, const ActRequest& request) override { return m_minds.post_act(drone, request); }
    Result<ActReply> collect_act(uint32_t drone) override { return m_minds.collect_act(drone); }
    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override { return m_minds.post_ballot(drone, request); }
    Result<BallotReply> collect_ballot(uint32_t drone) override { return m_minds.collect_ballot(drone); }
    SwarmTrust* swarm_trust() override { return &m_trust; }

    DomainTrust& trust() { return m_trust; }

private:
    std::vector<uint8_t> m_bytes;
    LocalFleet m_minds;
    DomainTrust m_trust;
};

ScenarioReport model_run(const ScenarioConfig& config)
{
    std::vector<uint8_t> arena(Scenario::bytes_needed(config));
    return Scenario::create(config, Span<uint8_t>(arena.data(), arena.size())).release_value().run();
}

gehri::abi::ReputationDomainRequest small_request()
{
    gehri::abi::ReputationDomainRequest request;
    request.peers = 4;
    request.feedback_slots = 64;
    request.pretrusted_count = 1;
    request.pretrusted[0] = 3;
    return request;
}

} // namespace

TEST(WildfireReputationDomain, TheDomainJudgesAsTheModel)
{
    for (uint64_t seed : { 5u, 3u }) {
        ScenarioConfig config;
        config.drones = seed == 5 ? 100 : 150;
        config.rogues = 2;
        config.world.seed = seed;
        DomainFleet fleet(config);
        std::vector<uint8_t> arena(Scenario::bytes_needed(config, Scenario::Minds::Remote, Scenario::TrustKeeper::Fleet));
        EXPECT_LT(arena.size() + Scenario::trust_feedback_slots(config) * sizeof(collective::FeedbackSlot), Scenario::bytes_needed(config, Scenario::Minds::Remote) + 64);
        auto scenario = Scenario::create(config, Span<uint8_t>(arena.data(), arena.size()), fleet);
        ASSERT_TRUE(scenario.is_ok());
        ScenarioReport domain = scenario.value().run();
        ScenarioReport model = model_run(config);
        EXPECT_EQ(domain.digest, model.digest) << "seed " << seed;
        EXPECT_EQ(domain.messages.feedback, model.messages.feedback);
        EXPECT_EQ(domain.feedback_dropped, model.feedback_dropped);
        EXPECT_EQ(domain.decisions.quarantines, model.decisions.quarantines);
        EXPECT_EQ(domain.rogues_quarantined, 2u) << "seed " << seed;
        EXPECT_GT(domain.messages.feedback, 1000u);
        EXPECT_EQ(fleet.trust().flushes, domain.ticks - config.head_start);
        uint64_t periods = 0;
        for (uint64_t tick = config.head_start; tick < domain.ticks; ++tick)
            periods += tick % config.trust_period == 0;
        EXPECT_EQ(fleet.trust().judgments, periods);
        for (uint32_t drone = 0; drone < config.drones; ++drone)
            EXPECT_EQ(fleet.trust().is_judged(drone), scenario.value().is_quarantined(drone)) << "drone " << drone;
    }
}

TEST(WildfireReputationDomain, RefusesBadRequests)
{
    auto bad = small_request();
    bad.peers = 0;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.peers = gehri::abi::reputation_domain_max_peers + 1;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.feedback_slots = 32;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.feedback_slots = gehri::abi::reputation_domain_max_feedback_slots << 1;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.pretrusted_count = 5;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.pretrusted[0] = 4;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.max_iterations = 0;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    bad = small_request();
    bad.damping_ppm = 0;
    EXPECT_EQ(TrustDomain::create(bad).error(), Error::InvalidArgument);
    auto largest = small_request();
    largest.peers = gehri::abi::reputation_domain_max_peers;
    largest.feedback_slots = gehri::abi::reputation_domain_max_feedback_slots;
    EXPECT_TRUE(TrustDomain::create(largest).is_ok());
}

TEST(WildfireReputationDomain, RatingsStopAtTheFirstRefusedOne)
{
    auto domain = TrustDomain::create(small_request()).release_value();
    const gehri::abi::DomainRating mixed[] = { { 0, 1, 1, 0 }, { 1, 2, 2, 0 }, { 2, 2, 1, 0 }, { 2, 0, 1, 0 } };
    EXPECT_EQ(domain.rate(mixed).value(), 2u);
    EXPECT_EQ(domain.rate(Span<const gehri::abi::DomainRating>(mixed + 2, 2)).error(), Error::InvalidArgument);
    const gehri::abi::DomainRating outside[] = { { 4, 0, 1, 0 } };
    EXPECT_EQ(domain.rate(outside).error(), Error::OutOfRange);
    const gehri::abi::DomainRating nothing[] = { { 0, 1, 0, 0 } };
    EXPECT_EQ(domain.rate(nothing).error(), Error::InvalidArgument);
    EXPECT_EQ(domain.rate({}).value(), 0u);

    // 64 slots hold 56 edges; 4 peers have only 12 pairs, so a larger domain fills it.
    auto many = small_request();
    many.peers = 40;
    many.pretrusted[0] = 39;
    auto full = TrustDomain::create(many).release_value();
    std::vector<gehri::abi::DomainRating> pairs;
    for (uint32_t to = 1; to < 40; ++to) {
        pairs.push_back({ 0, to, 1, 0 });
        pairs.push_back({ to, 0, 1, 0 });
    }
    auto recorded = full.rate(Span<const gehri::abi::DomainRating>(pairs.data(), pairs.size()));
    ASSERT_TRUE(recorded.is_ok());
    EXPECT_EQ(recorded.value(), 56u);
    EXPECT_EQ(full.rate(Span<const gehri::abi::DomainRating>(pairs.data() + 56, 1)).error(), Error::OutOfMemory);
    EXPECT_EQ(full.rate(Span<const gehri::abi::DomainRating>(pairs.data(), 1)).value(), 1u); // a known pair still adds up
}

TEST(WildfireReputationDomain, JudgmentsAndTrustEqualAnEigenTrustOfItsOwn)
{
    auto domain = TrustDomain::create(small_request()).release_value();
    std::vector<collective::PeerTrust> peers(4);
    std::vector<collective::FeedbackSlot> slots(64);
    auto model = collective::EigenTrust::create({}, Span<collective::PeerTrust>(peers.data(), 4), Span<collective::FeedbackSlot>(slots.data(), 64)).release_value();
    collective::PeerIndex judge = 3;
    ASSERT_TRUE(model.set_pretrusted(Span<const collective::PeerIndex>(&judge, 1)).is_ok());
    const gehri::abi::DomainRating ratings[] = { { 0, 1, 1, 0 }, { 1, 0, 1, 0 }, { 3, 0, 1, 0 }, { 3, 1, 1, 0 }, { 0, 2, 0, 2 }, { 1, 2, 0, 2 }, { 3, 2, 0, 2 } };
    EXPECT_EQ(domain.rate(ratings).value(), 7u);
    for (const auto& r : ratings)
        ASSERT_TRUE(model.record_feedback(r.from, r.to, r.satisfied, r.unsatisfied).is_ok());
    uint32_t out[4] {};
    std::vector<uint32_t> newly;
    EXPECT_EQ(domain.judge(40, { 20'000, 0, 3 }, out, [&](uint32_t peer) { newly.push_back(peer); }).value(), 1u);
    model.refine(40);
    collective::PeerIndex expected[4] {};
    EXPECT_EQ(model.collect_quarantined({ 20'000, 3 }, expected), 1u);
    EXPECT_EQ(out[0], expected[0]);
    EXPECT_EQ(out[0], 2u);
    EXPECT_TRUE(domain.is_judged(2));
    EXPECT_FALSE(domain.is_judged(0));
    uint64_t trust[4] {};
    ASSERT_TRUE(domain.trust(0, trust).is_ok());
    for (uint32_t i = 0; i < 4; ++i)
        EXPECT_EQ(trust[i], model.trust(i));
    EXPECT_EQ(domain.trust(3, Span<uint64_t>(trust, 2)).error(), Error::OutOfRange);
    EXPECT_EQ(domain.trust(5, Span<uint64_t>(trust, 0)).error(), Error::OutOfRange);
    // Too small an out: the count is still all of them.
    EXPECT_EQ(domain.judge(0, { 20'000, 0, 3 }, Span<uint32_t>(), [&](uint32_t peer) { newly.push_back(peer); }).value(), 1u);
    EXPECT_EQ(newly, std::vector<uint32_t> { 2 }) << "judged once, told once";
    EXPECT_EQ(domain.judge(gehri::abi::reputation_domain_max_steps + 1, { 20'000, 0, 3 }, out, [](uint32_t) { }).error(), Error::InvalidArgument);
    EXPECT_EQ(domain.judge(1, { 20'000, 7, 3 }, out, [](uint32_t) { }).error(), Error::InvalidArgument);
    EXPECT_EQ(domain.judge(1, { 1'000'001, 0, 3 }, out, [](uint32_t) { }).error(), Error::InvalidArgument);
}

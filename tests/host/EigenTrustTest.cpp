#include <algorithm>
#include <chrono>
#include <cmath>
#include <gtest/gtest.h>
#include <kernel/collective/EigenTrust.h>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

using namespace gehri;
using namespace gehri::collective;

namespace {

struct Rating {
    PeerIndex from;
    PeerIndex to;
    uint32_t satisfied;
    uint32_t unsatisfied;
};

// Floating-point EigenTrust, straight from the paper, as the reference (host only: the kernel
// has no floating point).
std::vector<double> reference_trust(size_t n, const std::vector<Rating>& ratings, const std::vector<PeerIndex>& pretrusted, double a)
{
    std::map<std::pair<PeerIndex, PeerIndex>, std::pair<uint64_t, uint64_t>> counts;
    for (const Rating& r : ratings) {
        auto& c = counts[{ r.from, r.to }];
        c.first += r.satisfied;
        c.second += r.unsatisfied;
    }
    std::vector<double> row_sum(n, 0);
    std::vector<std::tuple<PeerIndex, PeerIndex, double>> positive;
    for (auto& [edge, c] : counts) {
        if (c.first > c.second) {
            positive.push_back({ edge.first, edge.second, double(c.first - c.second) });
            row_sum[edge.first] += double(c.first - c.second);
        }
    }
    std::vector<double> p(n, 0);
    std::set<PeerIndex> unique(pretrusted.begin(), pretrusted.end());
    for (size_t i = 0; i < n; ++i)
        p[i] = unique.empty() ? 1.0 / n : (unique.count(i) ? 1.0 / unique.size() : 0);
    std::vector<double> t = p;
    for (int iteration = 0; iteration < 100000; ++iteration) {
        std::vector<double> next(n, 0);
        double dangling = 0;
        for (size_t i = 0; i < n; ++i) {
            if (row_sum[i] == 0)
                dangling += t[i];
        }
        for (auto [i, j, s] : positive)
            next[j] += s / row_sum[i] * t[i];
        double change = 0;
        for (size_t j = 0; j < n; ++j) {
            double updated = (1 - a) * (next[j] + dangling * p[j]) + a * p[j];
            change += std::fabs(updated - t[j]);
            t[j] = updated;
        }
        if (change < 1e-15)
            break;
    }
    return t;
}

double as_double(Trust trust) { return static_cast<double>(trust) / static_cast<double>(trust_one); }

struct Network {
    Network(size_t peers, size_t slots, EigenTrustConfig config = {})
        : peer_storage(peers)
        , slot_storage(slots)
        , trust(EigenTrust::create(config, Span<PeerTrust>(peer_storage.data(), peer_storage.size()),
                                 Span<FeedbackSlot>(slot_storage.data(), slot_storage.size()))
                    .release_value())
    {
    }
    void pretrust(const std::vector<PeerIndex>& peers)
    {
        ASSERT_TRUE(trust.set_pretrusted(Span<const PeerIndex>(peers.data(), peers.size())).is_ok());
    }
    void record(const std::vector<Rating>& ratings)
    {
        for (const Rating& r : ratings)
            ASSERT_TRUE(trust.record_feedback(r.from, r.to, r.satisfied, r.unsatisfied).is_ok());
    }
    std::vector<double> values() const
    {
        std::vector<double> result;
        for (PeerIndex i = 0; i < trust.peer_count(); ++i)
            result.push_back(as_double(trust.trust(i)));
        return result;
    }

    std::vector<PeerTrust> peer_storage;
    std::vector<FeedbackSlot> slot_storage;
    EigenTrust trust;
};

// Once an iteration changes t by at most epsilon (L1), t is within epsilon (1 - a) / a of the
// fixed point; plus a little for the double reference's own rounding.
double tolerance(const EigenTrustConfig& config)
{
    double a = config.damping_ppm / 1e6;
    return as_double(config.epsilon) * (1 - a) / a + 1e-14;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b)
{
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::fabs(a[i] - b[i]));
    return worst;
}

// The simulation of the paper's threat models: good peers serve authentic files, malicious ones
// do not. `good` peers come first and the first `pretrusted` of them are pre-trusted. Every peer
// downloads from a fixed random set of `partners` peers, so opinions rest on repeated
// transactions, as in the paper's simulations.
struct ThreatModel {
    size_t good;
    size_t malicious;
    size_t pretrusted;
    bool collective;        // malicious peers rate each other highly (model B)
    uint32_t camouflage_pc; // per cent of a malicious peer's uploads that are authentic (model C-like)
    size_t partners;
};

std::vector<Rating> simulate(const ThreatModel& model, size_t transactions, uint64_t seed)
{
    std::mt19937_64 random(seed);
    size_t n = model.good + model.malicious;
    auto is_good = [&](size_t peer) { return peer < model.good; };
    std::vector<std::vector<PeerIndex>> partners(n);
    for (size_t peer = 0; peer < n; ++peer) {
        while (partners[peer].size() < std::min(model.partners, n - 1)) {
            PeerIndex other = random() % n;
            if (other != peer && std::find(partners[peer].begin(), partners[peer].end(), other) == partners[peer].end())
                partners[peer].push_back(other);
        }
    }
    std::vector<Rating> ratings;
    for (size_t k = 0; k < transactions; ++k) {
        PeerIndex downloader = random() % n;
        PeerIndex uploader = partners[downloader][random() % partners[downloader].size()];
        bool authentic = is_good(uploader) || random() % 100 < model.camouflage_pc;
        bool satisfied;
        if (is_good(downloader))
            satisfied = authentic; // honest rating
        else if (model.collective)
            satisfied = !is_good(uploader); // praise the collective, slander the good
        else
            satisfied = false; // malicious individuals slander everyone
        ratings.push_back({ downloader, uploader, satisfied ? 1u : 0u, satisfied ? 0u : 1u });
    }
    return ratings;
}

struct TrustSummary {
    double good_mean;
    double good_min;
    double malicious_mean;
    double malicious_max;
    double malicious_total;
};

TrustSummary summarize(const std::vector<double>& trust, size_t good)
{
    TrustSummary s { 0, 1, 0, 0, 0 };
    for (size_t i = 0; i < trust.size(); ++i) {
        if (i < good) {
            s.good_mean += trust[i];
            s.good_min = std::min(s.good_min, trust[i]);
        } else {
            s.malicious_total += trust[i];
            s.malicious_max = std::max(s.malicious_max, trust[i]);
        }
    }
    s.good_mean /= good;
    s.malicious_mean = s.malicious_total / (trust.size() - good);
    return s;
}

std::vector<PeerIndex> first_peers(size_t count)
{
    std::vector<PeerIndex> peers(count);
    for (size_t i = 0; i < count; ++i)
        peers[i] = i;
    return peers;
}

} // namespace

TEST(EigenTrust, FixedPointConversions)
{
    EXPECT_EQ(trust_from_ppm(1'000'000), trust_one);
    EXPECT_EQ(trust_from_ppm(500'000), trust_one / 2);
    EXPECT_EQ(trust_to_ppm(trust_one / 4), 250'000u);
    EXPECT_EQ(trust_to_ppm(trust_from_ppm(123'456)), 123'455u); // both round down
}

TEST(EigenTrust, SmallWorkedExampleMatchesTheReference)
{
    // Peer 0 pre-trusted. 0 likes 1 and 2 (3:1); 1 likes 2; 2 likes 0 and dislikes 3; 3 likes 1
    // once but also failed it more often (net negative: no trust); 3's opinions of 2 are positive.
    std::vector<Rating> ratings { { 0, 1, 3, 0 }, { 0, 2, 1, 0 }, { 1, 2, 5, 1 }, { 2, 0, 2, 0 }, { 2, 3, 0, 4 },
        { 1, 3, 1, 2 }, { 3, 2, 7, 0 } };
    EigenTrustConfig config { 150'000, trust_one >> 40, 500 };
    Network network(4, 16, config);
    network.pretrust({ 0 });
    network.record(ratings);
    Convergence convergence = network.trust.compute();
    EXPECT_TRUE(convergence.converged);
    auto expected = reference_trust(4, ratings, { 0 }, 0.15);
    auto actual = network.values();
    EXPECT_LT(max_difference(actual, expected), tolerance(config));
    // Peer 3 receives no positive opinion from anyone who trusts, and is not pre-trusted.
    EXPECT_EQ(network.trust.trust(3), 0u);
    // Hand check of the fixed point's structure: t_0 = 0.85 * t_2 + 0.15 (2 trusts only 0).
    EXPECT_NEAR(actual[0], 0.85 * actual[2] + 0.15, 2 * tolerance(config));
}

TEST(EigenTrust, RandomGraphsMatchTheReference)
{
    std::mt19937_64 random(17);
    for (int round = 0; round < 20; ++round) {
        size_t n = 2 + random() % 150;
        std::vector<Rating> ratings;
        size_t count = random() % (n * 8);
        for (size_t k = 0; k < count; ++k) {
            PeerIndex from = random() % n;
            PeerIndex to = random() % n;
            if (from != to)
                ratings.push_back({ from, to, static_cast<uint32_t>(random() % 10), static_cast<uint32_t>(random() % 6) });
        }
        std::vector<PeerIndex> pretrusted;
        for (size_t k = random() % 4; k > 0; --k)
            pretrusted.push_back(random() % n);
        uint32_t damping_ppm = 100'000 + random() % 100'001;
        EigenTrustConfig config { damping_ppm, trust_one >> 40, 1000 };
        Network network(n, 4096, config);
        network.pretrust(pretrusted);
        network.record(ratings);
        EXPECT_TRUE(network.trust.compute().converged);
        auto expected = reference_trust(n, ratings, pretrusted, damping_ppm / 1e6);
        EXPECT_LT(max_difference(network.values(), expected), tolerance(config)) << "round " << round;
    }
}

TEST(EigenTrust, MaliciousIndividualsEndFarBelowGoodPeers)
{
    ThreatModel model { 60, 40, 3, false, 0, 20 };
    auto ratings = simulate(model, 20'000, 1);
    Network network(100, 16384);
    network.pretrust(first_peers(model.pretrusted));
    network.record(ratings);
    EXPECT_TRUE(network.trust.compute().converged);
    auto summary = summarize(network.values(), model.good);
    // Nobody honest has a positive opinion of them and they trust no one but slander: no trust.
    EXPECT_LT(summary.malicious_max, 1e-12);
    EXPECT_GT(summary.good_min, 0.001);
}

TEST(EigenTrust, MaliciousCollectiveEndsFarBelowGoodPeers)
{
    ThreatModel model { 60, 40, 3, true, 0, 20 };
    auto ratings = simulate(model, 20'000, 2);
    Network network(100, 16384);
    network.pretrust(first_peers(model.pretrusted));
    network.record(ratings);
    EXPECT_TRUE(network.trust.compute().converged);
    auto summary = summarize(network.values(), model.good);
    // The collective praises itself, but no trust flows in: all of it stays with the good peers.
    EXPECT_LT(summary.malicious_total, 1e-9);
    EXPECT_GT(summary.good_min, 0.001);
    EXPECT_LT(max_difference(network.values(), reference_trust(100, ratings, first_peers(3), 0.15)), tolerance({}));
}

TEST(EigenTrust, CamouflagedCollectiveStillEndsFarBelowGoodPeers)
{
    // The collective serves authentic files 25% of the time, so now and then an honest peer ends
    // up with a net-positive opinion of one of its members and trust leaks in. The pre-trusted
    // peers and the damping keep it small.
    ThreatModel model { 60, 40, 3, true, 25, 20 };
    auto ratings = simulate(model, 20'000, 3);
    Network network(100, 16384);
    network.pretrust(first_peers(model.pretrusted));
    network.record(ratings);
    EXPECT_TRUE(network.trust.compute().converged);
    auto values = network.values();
    auto summary = summarize(values, model.good);
    EXPECT_GT(summary.malicious_total, 0.0); // the leak is real...
    EXPECT_LT(summary.malicious_mean, summary.good_mean / 10); // ...but small
    EXPECT_LT(max_difference(values, reference_trust(100, ratings, first_peers(3), 0.15)), tolerance({}));

    // Quarantine: everyone below 10% of the mean with enough evidence. All malicious, no good.
    QuarantinePolicy policy { 100'000, 10 };
    std::vector<PeerIndex> quarantined(100);
    size_t count = network.trust.collect_quarantined(policy, Span<PeerIndex>(quarantined.data(), quarantined.size()));
    quarantined.resize(count);
    for (PeerIndex peer : quarantined)
        EXPECT_GE(peer, model.good) << "good peer " << peer << " quarantined";
    EXPECT_GE(count, 35u);
}

TEST(EigenTrust, QuarantineSparesNewcomersAndPretrustedPeers)
{
    Network network(4, 16);
    network.pretrust({ 0 });
    // Peer 2 is rated badly many times; peer 3 is new (no ratings); peer 1 is liked.
    network.record({ { 0, 1, 20, 0 }, { 1, 0, 20, 0 }, { 0, 2, 0, 20 }, { 1, 2, 0, 20 } });
    network.trust.compute();
    QuarantinePolicy policy { 100'000, 10 };
    EXPECT_FALSE(network.trust.should_quarantine(0, policy));
    EXPECT_FALSE(network.trust.should_quarantine(1, policy));
    EXPECT_TRUE(network.trust.should_quarantine(2, policy));
    EXPECT_FALSE(network.trust.should_quarantine(3, policy)); // no evidence yet
    EXPECT_TRUE(network.trust.should_quarantine(3, { 100'000, 0 }));
    PeerIndex one[1];
    EXPECT_EQ(network.trust.collect_quarantined(policy, one), 1u);
    EXPECT_EQ(one[0], 2u);
}

TEST(EigenTrust, ConvergesGeometrically)
{
    ThreatModel model { 150, 50, 5, true, 20, 30 };
    auto ratings = simulate(model, 50'000, 4);
    EigenTrustConfig config { 150'000, trust_one >> 36, 1000 };
    Network network(200, 65536, config);
    network.pretrust(first_peers(5));
    network.record(ratings);
    Convergence convergence = network.trust.compute();
    ASSERT_TRUE(convergence.converged);
    EXPECT_LE(convergence.residual, config.epsilon);
    // The L1 distance contracts by (1 - a) per step and starts at most 2:
    // k >= log(epsilon / 2) / log(0.85), i.e. 158, suffices.
    EXPECT_LE(convergence.iterations, 158u);
    EXPECT_GE(convergence.iterations, 5u);
    double total = 0;
    for (double value : network.values())
        total += value;
    EXPECT_NEAR(total, 1.0, 1e-9); // rounding loses at most a few units per edge and step
    EXPECT_LE(total, 1.0);
}

TEST(EigenTrust, IncrementalUpdateMatchesFullRecomputation)
{
    ThreatModel model { 150, 50, 5, true, 20, 30 };
    auto ratings = simulate(model, 60'000, 5);
    std::vector<Rating> before(ratings.begin(), ratings.begin() + 50'000);
    std::vector<Rating> after(ratings.begin() + 50'000, ratings.end());
    EigenTrustConfig config { 150'000, trust_one >> 36, 1000 };
    auto fresh = [&](const std::vector<Rating>& feedback) {
        auto network = std::make_unique<Network>(200, 65536, config);
        network->pretrust(first_peers(5));
        network->record(feedback);
        return network;
    };

    auto full = fresh(ratings);
    Convergence cold = full->trust.compute();
    ASSERT_TRUE(cold.converged);
    auto target = full->values();

    // Incremental: converge on the old feedback, add the new, refine from there.
    auto incremental = fresh(before);
    ASSERT_TRUE(incremental->trust.compute().converged);
    incremental->record(after);
    Convergence warm = incremental->trust.refine(1000);
    ASSERT_TRUE(warm.converged);
    EXPECT_LT(max_difference(incremental->values(), target), tolerance(config));
    EXPECT_LE(warm.iterations, cold.iterations);

    // Few iterations: the warm start is already close and stays ahead of a cold start.
    auto warm_few = fresh(before);
    (void)warm_few->trust.compute();
    warm_few->record(after);
    auto cold_few = fresh(ratings);
    for (int k = 1; k <= 10; ++k) {
        (void)warm_few->trust.refine(1);
        (void)cold_few->trust.refine(1);
        double warm_error = max_difference(warm_few->values(), target);
        double cold_error = max_difference(cold_few->values(), target);
        EXPECT_LE(warm_error, cold_error) << "after " << k << " iterations";
        if (k == 1) {
            EXPECT_LT(warm_error, cold_error / 10);
        }
        if (k == 3) {
            EXPECT_LT(warm_error, 0.02 / 200); // 2% of the mean trust
        }
    }
}

TEST(EigenTrust, ResultIsIndependentOfFeedbackOrderAndTableSize)
{
    auto ratings = simulate({ 80, 20, 4, true, 30, 20 }, 5000, 6);
    Network forward(100, 8192);
    forward.pretrust(first_peers(4));
    forward.record(ratings);
    (void)forward.trust.compute();

    std::mt19937_64 random(8);
    std::shuffle(ratings.begin(), ratings.end(), random);
    Network shuffled(100, 16384);
    shuffled.pretrust({ 3, 2, 1, 0, 2 });
    shuffled.record(ratings);
    (void)shuffled.trust.compute();
    for (PeerIndex i = 0; i < 100; ++i)
        ASSERT_EQ(forward.trust.trust(i), shuffled.trust.trust(i)) << "peer " << i;
}

TEST(EigenTrust, NoFeedbackLeavesThePretrustDistribution)
{
    Network network(7, 16);
    network.pretrust({ 1, 4, 6 });
    EXPECT_EQ(network.trust.trust(1) + network.trust.trust(4) + network.trust.trust(6), trust_one);
    EXPECT_TRUE(network.trust.compute().converged);
    for (PeerIndex i = 0; i < 7; ++i) {
        double expected = (i == 1 || i == 4 || i == 6) ? 1.0 / 3 : 0;
        EXPECT_NEAR(as_double(network.trust.trust(i)), expected, 1e-13);
    }
    Network uniform(7, 16);
    Trust sum = 0;
    for (PeerIndex i = 0; i < 7; ++i)
        sum += uniform.trust.trust(i);
    EXPECT_EQ(sum, trust_one);
}

TEST(EigenTrust, RejectsBadInput)
{
    std::vector<PeerTrust> peers(4);
    std::vector<FeedbackSlot> slots(4);
    Span<PeerTrust> peer_span(peers.data(), peers.size());
    Span<FeedbackSlot> slot_span(slots.data(), slots.size());
    EXPECT_EQ(EigenTrust::create({ 0, 1, 10 }, peer_span, slot_span).error(), Error::InvalidArgument);
    EXPECT_EQ(EigenTrust::create({ 1'000'000, 1, 10 }, peer_span, slot_span).error(), Error::InvalidArgument);
    EXPECT_EQ(EigenTrust::create({}, Span<PeerTrust>(), slot_span).error(), Error::InvalidArgument);
    EXPECT_EQ(EigenTrust::create({}, peer_span, Span<FeedbackSlot>(slots.data(), 3)).error(), Error::InvalidArgument);

    auto trust = EigenTrust::create({}, peer_span, slot_span).release_value();
    EXPECT_EQ(trust.record_feedback(1, 1, 5, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(trust.record_feedback(1, 4, 5, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(trust.record_feedback(4, 1, 5, 0).error(), Error::InvalidArgument);
    PeerIndex bad[] = { 2, 9 };
    EXPECT_EQ(trust.set_pretrusted(Span<const PeerIndex>(bad, 2)).error(), Error::InvalidArgument);
    // 4 slots: 3 usable.
    EXPECT_TRUE(trust.record_feedback(0, 1, 1, 0).is_ok());
    EXPECT_TRUE(trust.record_feedback(0, 2, 1, 0).is_ok());
    EXPECT_TRUE(trust.record_feedback(0, 3, 1, 0).is_ok());
    EXPECT_EQ(trust.record_feedback(1, 0, 1, 0).error(), Error::OutOfMemory);
    EXPECT_TRUE(trust.record_feedback(0, 3, 1, 0).is_ok()); // an existing edge still updates
    EXPECT_EQ(trust.feedback(0, 3).satisfied, 2u);
}

TEST(EigenTrust, SaturatedCountsStayConsistent)
{
    EigenTrustConfig config { 150'000, trust_one >> 40, 500 };
    Network network(3, 16, config);
    network.pretrust({ 0 });
    network.record({ { 0, 1, UINT32_MAX, 0 }, { 0, 1, UINT32_MAX, 0 }, { 0, 2, UINT32_MAX, UINT32_MAX - 1 }, { 1, 2, 1, 0 } });
    EXPECT_EQ(network.trust.feedback(0, 1).satisfied, UINT32_MAX);
    EXPECT_EQ(network.peer_storage[0].positive_sum, uint64_t { UINT32_MAX } + 1);
    network.record({ { 0, 2, 0, 5 } }); // 0's opinion of 2 turns negative: the row sum drops
    EXPECT_EQ(network.peer_storage[0].positive_sum, uint64_t { UINT32_MAX });
    EXPECT_TRUE(network.trust.compute().converged);
    std::vector<Rating> same { { 0, 1, UINT32_MAX, 0 }, { 1, 2, 1, 0 } };
    EXPECT_LT(max_difference(network.values(), reference_trust(3, same, { 0 }, 0.15)), tolerance(config));
}

TEST(EigenTrust, ThousandsOfPeers)
{
    // 5000 peers, ~100k edges: the size the kernel service is meant for.
    constexpr size_t n = 5000;
    ThreatModel model { 4000, 1000, 20, true, 20, 20 };
    auto ratings = simulate(model, 1'000'000, 9);
    EigenTrustConfig config { 150'000, trust_one >> 36, 500 };
    Network network(n, 1 << 17, config);
    network.pretrust(first_peers(20));
    auto start = std::chrono::steady_clock::now();
    network.record(ratings);
    Convergence convergence = network.trust.compute();
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(convergence.converged);
    auto values = network.values();
    EXPECT_LT(max_difference(values, reference_trust(n, ratings, first_peers(20), 0.15)), tolerance(config));
    auto summary = summarize(values, model.good);
    EXPECT_LT(summary.malicious_mean, summary.good_mean / 10);
    std::printf("  %zu peers, %zu edges: %u iterations, %.3f s (ASan build)\n", n, network.trust.feedback_edges(), convergence.iterations, elapsed);
}

TEST(EigenTrust, BoundedRefinementGivesTheSameVectorAsWholeIterations)
{
    ThreatModel model { 40, 20, 3, true, 10, 10 };
    auto ratings = simulate(model, 3000, 21);
    Network whole(60, 1024);
    Network sliced(60, 1024);
    whole.pretrust(first_peers(3));
    sliced.pretrust(first_peers(3));
    whole.record(ratings);
    sliced.record(ratings);
    uint64_t per_iteration = sliced.trust.work_per_iteration();
    EXPECT_EQ(per_iteration, 2 * 60u + 1024u);
    // Budgets that end in every phase, including mid-scatter and mid-gather.
    uint32_t iterations = 0;
    for (uint64_t budget : { 7u, 61u, 500u, 1023u, 3u, 2000u, 1u, 90u }) {
        while (iterations < 12) {
            RefineProgress progress = sliced.trust.refine_bounded(budget, 1);
            EXPECT_LE(progress.work, budget + 60);
            iterations += progress.iterations;
            if (progress.iterations > 0)
                break;
        }
    }
    EXPECT_EQ(iterations, 8u);
    EXPECT_FALSE(sliced.trust.iteration_in_progress());
    (void)whole.trust.refine(8);
    for (PeerIndex i = 0; i < 60; ++i)
        EXPECT_EQ(sliced.trust.trust(i), whole.trust.trust(i)) << "peer " << i;
}

TEST(EigenTrust, FeedbackDuringABoundedIterationWaitsForItsEnd)
{
    Network network(8, 64);
    network.record({ { 0, 1, 5, 0 }, { 1, 2, 5, 0 }, { 2, 0, 5, 0 } });
    Network reference(8, 64);
    reference.record({ { 0, 1, 5, 0 }, { 1, 2, 5, 0 }, { 2, 0, 5, 0 } });
    RefineProgress begun = network.trust.refine_bounded(10, 1); // stops inside the edges
    EXPECT_EQ(begun.iterations, 0u);
    ASSERT_TRUE(network.trust.iteration_in_progress());
    ASSERT_TRUE(network.trust.record_feedback(3, 4, 2, 0).is_ok());
    EXPECT_EQ(network.trust.feedback(3, 4).satisfied, 2u); // visible at once
    EXPECT_EQ(network.trust.feedback_edges(), 3u);          // but the graph waits
    RefineProgress finished = network.trust.refine_bounded(1000, 1);
    EXPECT_EQ(finished.iterations, 1u);
    EXPECT_EQ(network.trust.feedback_edges(), 4u);
    // The iteration used the graph as it was when it began.
    (void)reference.trust.refine(1);
    for (PeerIndex i = 0; i < 8; ++i)
        EXPECT_EQ(network.trust.trust(i), reference.trust.trust(i));
    // A flood beyond the pending room abandons the iteration rather than losing a report.
    (void)network.trust.refine_bounded(10, 1);
    ASSERT_TRUE(network.trust.iteration_in_progress());
    for (size_t k = 0; k <= EigenTrust::pending_capacity; ++k)
        ASSERT_TRUE(network.trust.record_feedback(5, 6, 1, 0).is_ok());
    EXPECT_FALSE(network.trust.iteration_in_progress());
    EXPECT_EQ(network.trust.feedback(5, 6).satisfied, EigenTrust::pending_capacity + 1);
}

TEST(EigenTrust, GrowingKeepsFeedbackAndRoomIsCheckedForPendingReports)
{
    std::vector<PeerTrust> small_peers(4);
    std::vector<FeedbackSlot> small_slots(4); // 3 usable
    auto trust = EigenTrust::create({}, Span<PeerTrust>(small_peers.data(), 4), Span<FeedbackSlot>(small_slots.data(), 4)).release_value();
    ASSERT_TRUE(trust.record_feedback(0, 1, 3, 0).is_ok());
    ASSERT_TRUE(trust.record_feedback(1, 2, 3, 0).is_ok());
    (void)trust.refine_bounded(2, 1);
    ASSERT_TRUE(trust.record_feedback(2, 3, 3, 0).is_ok()); // pending, takes the last room
    EXPECT_EQ(trust.record_feedback(3, 0, 1, 0).error(), Error::OutOfMemory);
    EXPECT_FALSE(trust.has_room_for_edges(1));
    std::vector<PeerTrust> peers(16);
    std::vector<FeedbackSlot> slots(64);
    std::vector<FeedbackSlot> tiny(2);
    EXPECT_EQ(trust.grow(Span<PeerTrust>(peers.data(), 2), Span<FeedbackSlot>(slots.data(), 64)).error(), Error::InvalidArgument);
    EXPECT_EQ(trust.grow(Span<PeerTrust>(peers.data(), 16), Span<FeedbackSlot>(tiny.data(), 2)).error(), Error::OutOfMemory);
    ASSERT_TRUE(trust.grow(Span<PeerTrust>(peers.data(), 16), Span<FeedbackSlot>(slots.data(), 64)).is_ok());
    EXPECT_EQ(trust.peer_count(), 16u);
    EXPECT_EQ(trust.feedback_edges(), 3u);
    EXPECT_EQ(trust.feedback(2, 3).satisfied, 3u);
    EXPECT_EQ(trust.trust(15), 0u); // a newcomer holds no trust yet
    ASSERT_TRUE(trust.record_feedback(3, 15, 2, 0).is_ok());
    Convergence convergence = trust.compute();
    EXPECT_TRUE(convergence.converged);
    // Growing gives the same fixed point as starting big.
    std::vector<PeerTrust> fresh_peers(16);
    std::vector<FeedbackSlot> fresh_slots(64);
    auto fresh = EigenTrust::create({}, Span<PeerTrust>(fresh_peers.data(), 16), Span<FeedbackSlot>(fresh_slots.data(), 64)).release_value();
    for (auto [from, to] : { std::pair { 0, 1 }, { 1, 2 }, { 2, 3 } })
        ASSERT_TRUE(fresh.record_feedback(from, to, 3, 0).is_ok());
    ASSERT_TRUE(fresh.record_feedback(3, 15, 2, 0).is_ok());
    (void)fresh.compute();
    for (PeerIndex i = 0; i < 16; ++i)
        EXPECT_EQ(trust.trust(i), fresh.trust(i));
}

// The size of the wildfire swarm: 4096 peers with ~40 ratings each (a 2^18-slot table). The
// kernel runs refinement under its service lock, so this measures what one iteration costs and
// what a bounded step costs (Reputation's default budget); printed, and bounded loosely here
// because this build has ASan (an -O2 kernel is several times faster).
TEST(EigenTrust, FourThousandPeersRefineInBoundedSteps)
{
    constexpr size_t n = 4096;
    ThreatModel model { 3696, 400, 16, true, 0, 40 };
    auto ratings = simulate(model, 400'000, 33);
    Network network(n, 1 << 18);
    network.pretrust(first_peers(16));
    network.record(ratings);
    EXPECT_GT(network.trust.feedback_edges(), 140'000u);
    (void)network.trust.compute();
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    (void)network.trust.refine(1);
    double iteration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    constexpr uint64_t budget = 32 * 1024;
    double worst_step_ms = 0;
    uint64_t most_work = 0;
    for (int round = 0; round < 20; ++round) {
        auto step_start = Clock::now();
        most_work = std::max(most_work, network.trust.refine_bounded(budget, 1).work);
        worst_step_ms = std::max(worst_step_ms, std::chrono::duration<double, std::milli>(Clock::now() - step_start).count());
    }
    std::printf("  %zu peers, %zu edges: one iteration %.3f ms; a %llu-unit step at most %.3f ms (%llu units per iteration)\n",
        n, network.trust.feedback_edges(), iteration_ms, static_cast<unsigned long long>(budget), worst_step_ms,
        static_cast<unsigned long long>(network.trust.work_per_iteration()));
    // Times on a shared machine are noisy; the work bound is what is guaranteed.
    EXPECT_LE(most_work, budget + n);
    auto values = network.values();
    auto summary = summarize(values, model.good);
    EXPECT_LT(summary.malicious_max, summary.good_mean / 10);
    QuarantinePolicy policy;
    size_t quarantined = network.trust.collect_quarantined(policy, {});
    std::vector<PeerIndex> list(quarantined);
    network.trust.collect_quarantined(policy, Span<PeerIndex>(list.data(), list.size()));
    for (PeerIndex peer : list)
        EXPECT_GE(peer, model.good) << "good peer quarantined";
    EXPECT_EQ(quarantined, model.malicious);
    // An exit forgets the peer's ratings: one pass over the table.
    size_t edges = network.trust.feedback_edges();
    auto remove_start = Clock::now();
    ASSERT_TRUE(network.trust.remove_peer(4000).is_ok());
    double remove_ms = std::chrono::duration<double, std::milli>(Clock::now() - remove_start).count();
    EXPECT_LT(network.trust.feedback_edges(), edges - 40);
    EXPECT_EQ(network.trust.trust(4000), 0u);
    std::printf("  removing a peer and its ratings: %.3f ms\n", remove_ms);
}

TEST(EigenTrust, RemovingAPeerEqualsNeverHavingIt)
{
    ThreatModel model { 30, 10, 3, true, 0, 8 };
    auto ratings = simulate(model, 2000, 41);
    Network with(40, 512);
    Network without(40, 512);
    with.pretrust(first_peers(3));
    without.pretrust(first_peers(3));
    with.record(ratings);
    for (const Rating& r : ratings) {
        if (r.from != 35 && r.to != 35) {
            ASSERT_TRUE(without.trust.record_feedback(r.from, r.to, r.satisfied, r.unsatisfied).is_ok());
        }
    }
    (void)with.trust.refine_bounded(100, 1); // an iteration in progress is abandoned
    ASSERT_TRUE(with.trust.remove_peer(35).is_ok());
    EXPECT_EQ(with.trust.feedback_edges(), without.trust.feedback_edges());
    EXPECT_EQ(with.trust.remove_peer(40).error(), Error::InvalidArgument);
    (void)with.trust.compute();
    (void)without.trust.compute();
    for (PeerIndex i = 0; i < 40; ++i)
        EXPECT_EQ(with.trust.trust(i), without.trust.trust(i)) << "peer " << i;
    // A pre-trusted peer leaves the set; the others share its pre-trust.
    ASSERT_TRUE(with.trust.remove_peer(2).is_ok());
    (void)with.trust.compute();
    EXPECT_EQ(with.trust.trust(2), 0u);
    EXPECT_GT(with.trust.trust(1), without.trust.trust(1));
    EXPECT_FALSE(with.trust.should_quarantine(0, {}));
}

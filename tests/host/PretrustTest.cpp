#include <gtest/gtest.h>
#include <kernel/collective/Policy.h>
#include <kernel/collective/Reputation.h>
#include <tests/host/support/ReputationScenario.h>

// EigenTrust's pre-trusted peers from the policy file (`pretrust group NAME`) on the paper's
// threat model B (Kamvar et al. 2003, section 5): a malicious collective praises its members and
// slanders everyone else. Without pre-trust the collective's praise of itself is worth as much
// as anyone's, and it holds trust; with pre-trusted honest peers the teleport goes to them, and
// the collective cannot gain any.
using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;

namespace {

constexpr AgentId first_good = 1, last_good = 20, first_bad = 101, last_bad = 110;

StringView group_of(AgentId agent) { return agent <= 3 ? "operators" : agent <= last_good ? "workers" : "drones"; }

// Registers everyone as the kernel would (members of a pre-trusted group anchored as they
// enroll), then several rounds of transactions; returns the collective's share of all trust.
double collective_share(Service& s, const Policy& policy)
{
    Nanoseconds now = 0;
    for (AgentId a = first_good; a <= last_bad; a = a == last_good ? first_bad : a + 1) {
        EXPECT_TRUE(s.reputation->register_agent(a, now).is_ok());
        if (policy.is_pretrusted(group_of(a))) {
            EXPECT_TRUE(s.reputation->add_pretrusted(a, now).is_ok());
        }
    }
    for (int round = 0; round < 4; ++round) {
        now += 10 * second;
        for (AgentId a = first_good; a <= last_good; ++a) {
            for (AgentId b = first_good; b <= last_good; ++b) {
                if (a != b && (a * 7 + b + static_cast<AgentId>(round)) % 5 == 0) {
                    EXPECT_TRUE(s.reputation->report(a, b, 5, 0, now).is_ok());
                }
            }
        }
        for (AgentId a = first_bad; a <= last_bad; ++a) {
            for (AgentId b = first_bad; b <= last_bad; ++b) {
                if (a != b && (a + b + static_cast<AgentId>(round)) % 3 == 0) {
                    EXPECT_TRUE(s.reputation->report(a, b, 16, 0, now).is_ok());
                }
            }
            for (AgentId b = first_good; b <= last_good; b += 4)
                EXPECT_TRUE(s.reputation->report(a, b, 0, 16, now).is_ok());
        }
    }
    s.reputation->recompute();
    for (int i = 0; i < 10; ++i)
        (void)s.reputation->update(now);
    double good = 0, bad = 0;
    for (AgentId a = first_good; a <= last_good; ++a)
        good += static_cast<double>(s.reputation->trust(a)) / static_cast<double>(trust_one);
    for (AgentId a = first_bad; a <= last_bad; ++a)
        bad += static_cast<double>(s.reputation->trust(a)) / static_cast<double>(trust_one);
    return bad / (good + bad);
}

struct ParsedPolicy {
    explicit ParsedPolicy(const char* text)
    {
        Diagnostic diagnostic;
        auto parsed = Policy::parse("swarm.policy", text, rules, cosigns, diagnostic);
        EXPECT_TRUE(parsed.is_ok());
        policy.emplace(parsed.release_value());
    }
    PolicyRule rules[4];
    CosignRule cosigns[2];
    Optional<Policy> policy;
};

} // namespace

TEST(Pretrust, MaliciousCollectiveGainsNoTrustWhenPeersArePretrusted)
{
    ParsedPolicy anchored("pretrust group operators\n");
    ParsedPolicy none("deny any lease kernel:*\n");
    Service with(ReputationConfig {}, 64), without(ReputationConfig {}, 64);
    double share_with = collective_share(with, *anchored.policy);
    double share_without = collective_share(without, *none.policy);
    // 10 of 30 agents: uniform pre-trust hands the collective a third of the teleport, which it
    // keeps circulating among its members.
    EXPECT_GT(share_without, 0.25);
    // Anchored at the operators, the collective's praise of itself is worth nothing.
    EXPECT_LT(share_with, 1e-6);
    for (AgentId a = 1; a <= 3; ++a)
        EXPECT_TRUE(with.reputation->is_pretrusted(a));
    EXPECT_FALSE(with.reputation->is_pretrusted(4));
    size_t quarantined = 0;
    for (AgentId a = first_bad; a <= last_bad; ++a)
        quarantined += with.reputation->is_quarantined(a);
    EXPECT_EQ(quarantined, 10u);
    for (AgentId a = first_good; a <= last_good; ++a)
        EXPECT_FALSE(with.reputation->is_quarantined(a)) << a;
    // Without anchors the collective goes free.
    for (AgentId a = first_bad; a <= last_bad; ++a)
        EXPECT_FALSE(without.reputation->is_quarantined(a)) << a;
}

TEST(Pretrust, AddingIsIdempotentAndBounded)
{
    Service s(ReputationConfig {}, 80);
    for (AgentId a = 1; a <= Reputation::max_pretrusted + 1; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, 0).is_ok());
    for (AgentId a = 1; a <= Reputation::max_pretrusted; ++a)
        ASSERT_TRUE(s.reputation->add_pretrusted(a, 0).is_ok()) << a;
    EXPECT_TRUE(s.reputation->add_pretrusted(1, 0).is_ok()); // already: a no-op
    EXPECT_EQ(s.reputation->add_pretrusted(Reputation::max_pretrusted + 1, 0).error(), Error::OutOfRange);
    EXPECT_EQ(s.reputation->add_pretrusted(999, 0).error(), Error::NotFound);
    // An anchor that is forgotten leaves the set, making room.
    ASSERT_TRUE(s.reputation->forget(5).is_ok());
    EXPECT_TRUE(s.reputation->add_pretrusted(Reputation::max_pretrusted + 1, 0).is_ok());
}

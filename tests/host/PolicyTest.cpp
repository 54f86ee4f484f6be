#include <gtest/gtest.h>
#include <kernel/collective/PolicyEnforcer.h>
#include <string>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;

namespace {

constexpr const char* example = R"(# The swarm's policy
deny group drones lease sensor:*      # drones never touch sensors
allow group planners lease gpu:*
deny any lease gpu:*
deny group drones propose shutdown
limit credits 100 per minute
limit proposals 3
require cosign proposal kind=shutdown
require cosign proposal kind=firmware-*
)";

struct Parsed {
    explicit Parsed(std::string source, size_t rule_capacity = 16)
        : text(std::move(source))
        , rules(rule_capacity)
        , cosigns(4)
    {
        result.emplace_result(Policy::parse("swarm.policy", StringView(text.data(), text.size()), { rules.data(), rules.size() }, { cosigns.data(), cosigns.size() }, diagnostic));
    }
    struct Holder {
        void emplace_result(Result<Policy>&& r)
        {
            if (r.is_ok())
                policy.emplace(r.release_value());
            else
                error = r.error();
        }
        Optional<Policy> policy;
        Error error { Error::InvalidArgument };
    };

    bool ok() const { return result.policy.has_value(); }
    std::string message() const { return std::string(diagnostic.message().characters(), diagnostic.message().length()); }

    std::string text;
    std::vector<PolicyRule> rules;
    std::vector<CosignRule> cosigns;
    Diagnostic diagnostic;
    Holder result;
};

std::string rejection(const std::string& text)
{
    Parsed parsed(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.message();
}

} // namespace

TEST(Glob, Matches)
{
    EXPECT_TRUE(glob_match("sensor:*", "sensor:thermal0"));
    EXPECT_TRUE(glob_match("sensor:*", "sensor:"));
    EXPECT_FALSE(glob_match("sensor:*", "sensors:x"));
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("*:0", "gpu:0"));
    EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
    EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
    EXPECT_TRUE(glob_match("a**", "a"));
    EXPECT_FALSE(glob_match("exact", "exactly"));
    EXPECT_FALSE(glob_match("", "x"));
    std::string hostile(4000, 'a');
    EXPECT_FALSE(glob_match("*a*a*a*a*a*b", StringView(hostile.data(), hostile.size())));
}

TEST(Policy, ParsesTheDocumentedExample)
{
    Parsed p(example);
    ASSERT_TRUE(p.ok()) << p.message();
    const Policy& policy = *p.result.policy;
    ASSERT_EQ(policy.rules().size(), 4u);
    EXPECT_EQ(policy.rules()[0].line, 2u);
    EXPECT_FALSE(policy.rules()[0].allow);
    EXPECT_EQ(policy.rules()[0].group, "drones");
    EXPECT_EQ(policy.rules()[0].text, "deny group drones lease sensor:*");
    EXPECT_TRUE(policy.rules()[2].any_agent);
    EXPECT_EQ(policy.credit_limit().amount, 100u);
    EXPECT_EQ(policy.credit_limit().window, 60 * nanoseconds_per_second);
    EXPECT_EQ(policy.proposal_limit(), 3u);
    ASSERT_EQ(policy.cosign_rules().size(), 2u);

    auto check = [&](StringView group, PolicyVerb verb, StringView object) { return policy.check({ 7, group }, { verb, object }); };
    EXPECT_FALSE(check("drones", PolicyVerb::Lease, "sensor:thermal0").allowed);
    EXPECT_EQ(check("drones", PolicyVerb::Lease, "sensor:thermal0").rule->line, 2u);
    EXPECT_TRUE(check("planners", PolicyVerb::Lease, "sensor:thermal0").allowed);
    EXPECT_TRUE(check("planners", PolicyVerb::Lease, "gpu:0").allowed); // first match wins
    EXPECT_FALSE(check("drones", PolicyVerb::Lease, "gpu:0").allowed);
    EXPECT_EQ(check("drones", PolicyVerb::Lease, "gpu:0").rule->line, 4u);
    EXPECT_FALSE(check("drones", PolicyVerb::Propose, "shutdown").allowed);
    EXPECT_TRUE(check("drones", PolicyVerb::Bid, "sensor:thermal0").allowed); // other verbs untouched
    auto fallthrough = check("drones", PolicyVerb::Lease, "camera:front");
    EXPECT_TRUE(fallthrough.allowed);
    EXPECT_EQ(fallthrough.rule, nullptr);

    EXPECT_TRUE(policy.requires_cosign("shutdown"));
    EXPECT_TRUE(policy.requires_cosign("firmware-update"));
    EXPECT_FALSE(policy.requires_cosign("policy"));
}

TEST(Policy, EmptyAndCommentOnlyFilesAreEmptyPolicies)
{
    Parsed empty("");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty.result.policy->check({ 1, "x" }, { PolicyVerb::Lease, "anything" }).allowed);
    EXPECT_EQ(empty.result.policy->credit_limit().amount, 0u);
    Parsed comments("# nothing\n\n   \t# still nothing\r\n");
    EXPECT_TRUE(comments.ok()) << comments.message();
}

TEST(Policy, RejectionsNameTheLineAndTheProblem)
{
    EXPECT_EQ(rejection("deny any lease gpu:*\nforbid any lease x\n"), "swarm.policy:2: unknown directive 'forbid' (expected deny, allow, limit, require, pretrust or resource)");
    EXPECT_EQ(rejection("deny lease gpu:*"), "swarm.policy:1: expected 'any' or 'group NAME' after 'deny'");
    EXPECT_EQ(rejection("deny group drones lease"), "swarm.policy:1: expected 'deny|allow any|group NAME lease|propose|bid|vote PATTERN'");
    EXPECT_EQ(rejection("deny group Drones lease x"), "swarm.policy:1: bad group name 'Drones' (1-32 of a-z 0-9 _ -, starting with a letter)");
    EXPECT_EQ(rejection("deny any steal gpu:*"), "swarm.policy:1: unknown action 'steal' (expected lease, propose, bid or vote)");
    EXPECT_EQ(rejection("deny any lease gpu:$"), "swarm.policy:1: bad pattern 'gpu:$' (1-48 of A-Z a-z 0-9 _ - : . / *)");
    EXPECT_EQ(rejection("deny any lease gpu:* extra"), "swarm.policy:1: expected 'deny|allow any|group NAME lease|propose|bid|vote PATTERN'");
    EXPECT_EQ(rejection("limit credits 0 per minute"), "swarm.policy:1: credit limit must be at least 1 (to forbid, use a deny rule)");
    EXPECT_EQ(rejection("limit credits -5 per minute"), "swarm.policy:1: bad credit limit '-5' (expected 1 to 999999999999)");
    EXPECT_EQ(rejection("limit credits 99999999999999999999 per minute"), "swarm.policy:1: bad credit limit '99999999999999999999' (expected 1 to 999999999999)");
    EXPECT_EQ(rejection("limit credits 10 per fortnight"), "swarm.policy:1: unknown period 'fortnight' (expected second, minute or hour)");
    EXPECT_EQ(rejection("limit credits 10 each minute"), "swarm.policy:1: expected 'per' after the amount, not 'each'");
    EXPECT_EQ(rejection("limit credits 10 per minute\nlimit credits 20 per hour"), "swarm.policy:2: credits are already limited on line 1");
    EXPECT_EQ(rejection("limit proposals 1001"), "swarm.policy:1: proposal limit 1001 is above 1000");
    EXPECT_EQ(rejection("limit votes 3"), "swarm.policy:1: expected 'limit credits ...' or 'limit proposals ...'");
    EXPECT_EQ(rejection("require cosign proposal shutdown"), "swarm.policy:1: expected 'kind=PATTERN', not 'shutdown'");
    EXPECT_EQ(rejection("require human proposal kind=x"), "swarm.policy:1: expected 'require cosign proposal kind=PATTERN'");
    EXPECT_EQ(rejection("require cosign proposal kind="), "swarm.policy:1: bad pattern '' (1-48 of A-Z a-z 0-9 _ - : . / *)");
    EXPECT_EQ(rejection("\n\ndeny any lease a\x01"), "swarm.policy:3: character 0x1 in column 17 (only printable ASCII is allowed)");
    EXPECT_EQ(rejection("deny any lease caf\xc3\xa9"), "swarm.policy:1: character 0xc3 in column 19 (only printable ASCII is allowed)");
    EXPECT_EQ(rejection(std::string(201, ' ')), "swarm.policy:1: line is longer than 200 characters");
    EXPECT_EQ(rejection("a b c d e f g h i j k"), "swarm.policy:1: too many words (no directive takes more than 9)");
    EXPECT_EQ(rejection("a b c d e f g"), "swarm.policy:1: unknown directive 'a' (expected deny, allow, limit, require, pretrust or resource)");
}

TEST(Policy, ResourceDeclarations)
{
    Parsed p("resource radio:uplink rule priority\n"
             "resource gpu:0 rule auction reserve 5 round 200 # sold while held\n"
             "resource store:cache rule first-come shared 16\n"
             "resource bus:a rule auction round 1 shared 2\n");
    ASSERT_TRUE(p.ok()) << p.message();
    auto resources = p.result.policy->resources();
    ASSERT_EQ(resources.size(), 4u);
    EXPECT_EQ(resources[0].name, "radio:uplink");
    EXPECT_EQ(resources[0].rule, ContentionRule::Priority);
    EXPECT_EQ(resources[0].max_shared, 1u);
    EXPECT_EQ(resources[0].reserve_price, 0u);
    EXPECT_EQ(resources[0].line, 1u);
    EXPECT_EQ(resources[1].name, "gpu:0");
    EXPECT_EQ(resources[1].rule, ContentionRule::Auction);
    EXPECT_EQ(resources[1].reserve_price, 5u);
    EXPECT_EQ(resources[1].round_length, 200'000'000u);
    EXPECT_EQ(resources[2].rule, ContentionRule::FirstCome);
    EXPECT_EQ(resources[2].max_shared, 16u);
    EXPECT_EQ(resources[2].round_length, nanoseconds_per_second); // the default, unused
    EXPECT_EQ(resources[3].round_length, 1'000'000u);
    EXPECT_EQ(resources[3].max_shared, 2u);
    EXPECT_EQ(resources[3].line, 4u);
    EXPECT_TRUE(p.result.policy->rules().is_empty());
}

TEST(Policy, ResourceRejections)
{
    constexpr const char* usage = "swarm.policy:1: expected 'resource NAME rule first-come|priority|auction [shared N] [reserve N] [round MS]'";
    EXPECT_EQ(rejection("resource gpu:0"), usage);
    EXPECT_EQ(rejection("resource gpu:0 rule"), usage);
    EXPECT_EQ(rejection("resource gpu:0 by auction"), usage);
    EXPECT_EQ(rejection("resource gpu:0 rule auction round"), usage);
    EXPECT_EQ(rejection("resource gpu:* rule auction"), "swarm.policy:1: bad resource name 'gpu:*' (1-48 of A-Z a-z 0-9 _ - : . /)");
    EXPECT_EQ(rejection("resource gpu$0 rule auction"), "swarm.policy:1: bad resource name 'gpu$0' (1-48 of A-Z a-z 0-9 _ - : . /)");
    EXPECT_EQ(rejection("resource " + std::string(49, 'a') + " rule priority"), "swarm.policy:1: bad resource name '" + std::string(49, 'a') + "' (1-48 of A-Z a-z 0-9 _ - : . /)");
    EXPECT_EQ(rejection("resource gpu:0 rule lottery"), "swarm.policy:1: unknown rule 'lottery' (expected first-come, priority or auction)");
    EXPECT_EQ(rejection("resource gpu:0 rule vote"), "swarm.policy:1: unknown rule 'vote' (expected first-come, priority or auction)");
    EXPECT_EQ(rejection("resource gpu:0 rule auction\n\nresource gpu:0 rule priority"), "swarm.policy:3: resource 'gpu:0' is already declared on line 1");
    EXPECT_EQ(rejection("resource gpu:0 rule auction price 5"), "swarm.policy:1: unknown resource option 'price' (expected shared, reserve or round)");
    EXPECT_EQ(rejection("resource gpu:0 rule auction round 5 round 6"), "swarm.policy:1: 'round' is given twice");
    EXPECT_EQ(rejection("resource gpu:0 rule priority reserve 5"), "swarm.policy:1: 'reserve' applies only to rule auction");
    EXPECT_EQ(rejection("resource gpu:0 rule first-come round 5"), "swarm.policy:1: 'round' applies only to rule auction");
    EXPECT_EQ(rejection("resource gpu:0 rule priority shared 1"), "swarm.policy:1: shared 1 is not 2 to 16 (leave it out for an exclusive resource)");
    EXPECT_EQ(rejection("resource gpu:0 rule priority shared 17"), "swarm.policy:1: shared 17 is not 2 to 16 (leave it out for an exclusive resource)");
    EXPECT_EQ(rejection("resource gpu:0 rule priority shared x"), "swarm.policy:1: bad shared 'x' (expected 1 to 999999999999)");
    EXPECT_EQ(rejection("resource gpu:0 rule auction reserve 0"), "swarm.policy:1: reserve must be at least 1 (to forbid, use a deny rule)");
    EXPECT_EQ(rejection("resource gpu:0 rule auction round 60001"), "swarm.policy:1: round 60001 ms is above 60000");
    std::string nine;
    for (int i = 0; i < 9; ++i)
        nine += "resource r" + std::to_string(i) + " rule first-come\n";
    EXPECT_EQ(rejection(nine), "swarm.policy:9: more than 8 resources");
}

TEST(Policy, RuleCapacityIsAnError)
{
    std::string text;
    for (int i = 0; i < 5; ++i)
        text += "deny any lease r" + std::to_string(i) + "\n";
    Parsed p(text, 4);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.result.error, Error::OutOfMemory);
    EXPECT_EQ(p.diagnostic.line(), 5u);
    EXPECT_EQ(p.message(), "swarm.policy:5: more than 4 rules");
}

TEST(PolicyEnforcer, DenialsAreAuditedCountedAndCostReputation)
{
    Parsed p(example);
    ASSERT_TRUE(p.ok());
    AuditFixture audit;
    RecordingOutbox outbox;
    std::vector<ReputationPeer> peers(4);
    std::vector<PeerTrust> trust(4);
    std::vector<FeedbackSlot> feedback(16);
    std::vector<HashSlot<uint32_t>> index(8);
    ReputationStorage storage { { peers.data(), 4 }, { trust.data(), 4 }, { feedback.data(), 16 }, { index.data(), 8 } };
    auto reputation = Reputation::create({}, storage, audit.trail, outbox, 0).release_value();
    ASSERT_TRUE(reputation.register_agent(7, 0).is_ok());

    PolicyEnforcer enforcer(*p.result.policy, audit.trail, &reputation);
    EXPECT_TRUE(enforcer.check({ 7, "planners" }, { PolicyVerb::Lease, "gpu:0" }, 0).is_ok());
    EXPECT_EQ(enforcer.check({ 7, "drones" }, { PolicyVerb::Lease, "sensor:thermal0" }, 0).error(), Error::AccessDenied);
    EXPECT_EQ(enforcer.check({ 8, "drones" }, { PolicyVerb::Lease, "gpu:1" }, 0).error(), Error::AccessDenied);
    EXPECT_EQ(enforcer.denials(), 2u);
    EXPECT_EQ(reputation.denials(7), 1u);
    auto records = audit.records(audit::RecordKind::PolicyDenial);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].agent, 7u);
    EXPECT_EQ(records[0].text("action"), "lease");
    EXPECT_EQ(records[0].text("object"), "sensor:thermal0");
    EXPECT_EQ(records[0].integer("line"), 2);
    EXPECT_EQ(records[0].text("rule"), "deny group drones lease sensor:*");
    EXPECT_EQ(records[1].integer("line"), 4);
}

TEST(Policy, PretrustGroupsAnchorReputation)
{
    Parsed parsed("pretrust group operators   # the humans' tools\npretrust group init\ndeny any lease kernel:*\n");
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    const Policy& policy = *parsed.result.policy;
    ASSERT_EQ(policy.pretrusted_groups().size(), 2u);
    EXPECT_TRUE(policy.is_pretrusted("operators"));
    EXPECT_TRUE(policy.is_pretrusted("init"));
    EXPECT_FALSE(policy.is_pretrusted("drones"));
    EXPECT_FALSE(policy.is_pretrusted(""));

    EXPECT_EQ(rejection("pretrust drones"), "swarm.policy:1: expected 'pretrust group NAME'");
    EXPECT_EQ(rejection("pretrust any drones"), "swarm.policy:1: expected 'pretrust group NAME'");
    EXPECT_EQ(rejection("pretrust group Drones"), "swarm.policy:1: bad group name 'Drones' (1-32 of a-z 0-9 _ -, starting with a letter)");
    EXPECT_EQ(rejection("pretrust group a\npretrust group a"), "swarm.policy:2: group 'a' is already pre-trusted");
    EXPECT_EQ(rejection("pretrust group a\npretrust group b\npretrust group c\npretrust group d\npretrust group e"),
        "swarm.policy:5: more than 4 pre-trusted groups");
}

#include <gtest/gtest.h>
#include <kernel/govern/BootPolicy.h>
#include <string>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::govern;
using gehri::collective::testing::AuditFixture;

namespace {

struct Loader {
    PolicyRule rules[16];
    CosignRule cosigns[4];
    AuditFixture audit;
    Diagnostic diagnostic;

    Result<LoadedPolicy> load(bool present, StringView text) { return load_policy(present, text, rules, cosigns, audit.trail, diagnostic); }
};

} // namespace

TEST(BootPolicy, TheDefaultFileMatchesTheBuiltInPolicy)
{
    Loader loader;
    auto builtin = loader.load(false, {});
    ASSERT_TRUE(builtin.is_ok());
    EXPECT_EQ(builtin.value().origin, PolicyOrigin::BuiltIn);
    EXPECT_EQ(directive_count(builtin.value().policy), 4u);
    EXPECT_EQ(builtin.value().policy.proposal_limit(), 4u);
    auto resources = builtin.value().policy.resources();
    ASSERT_EQ(resources.size(), 2u);
    EXPECT_EQ(resources[0].name, "radio:uplink");
    EXPECT_EQ(resources[0].rule, ContentionRule::Priority);
    EXPECT_EQ(resources[1].name, "gpu:0");
    EXPECT_EQ(resources[1].rule, ContentionRule::Auction);
    EXPECT_EQ(resources[1].reserve_price, 5u);
    EXPECT_EQ(resources[1].round_length, 200'000'000u);
    EXPECT_FALSE(builtin.value().policy.check({ 1, "x" }, { PolicyVerb::Lease, "kernel:watchdog" }).allowed);
    EXPECT_TRUE(builtin.value().policy.check({ 1, "x" }, { PolicyVerb::Lease, "sensor:thermal0" }).allowed);
    EXPECT_TRUE(loader.audit.records().empty());
}

TEST(BootPolicy, AGoodFileReplacesTheBuiltInPolicy)
{
    Loader loader;
    auto loaded = loader.load(true, "allow group planners lease gpu:*\ndeny any lease gpu:*\nlimit credits 5 per hour\nrequire cosign proposal kind=shutdown\n");
    ASSERT_TRUE(loaded.is_ok()) << loader.diagnostic.message().characters();
    EXPECT_EQ(loaded.value().origin, PolicyOrigin::BootImage);
    EXPECT_EQ(directive_count(loaded.value().policy), 4u);
    EXPECT_EQ(loaded.value().policy.proposal_limit(), 0u); // the built-in limit is not mixed in
    EXPECT_TRUE(loaded.value().policy.check({ 1, "x" }, { PolicyVerb::Lease, "kernel:watchdog" }).allowed);
    EXPECT_TRUE(loader.audit.records().empty());
}

TEST(BootPolicy, ARefusalAfterParsingIsAuditedLikeAParseError)
{
    Loader loader;
    loader.diagnostic.fail_at_line(Error::AlreadyExists, boot_policy_path, 7, "resource 'sensor:thermal0' cannot be added (AlreadyExists)");
    EXPECT_EQ(refuse_policy(loader.audit.trail, loader.diagnostic), Error::AlreadyExists);
    auto rejected = loader.audit.records(audit::RecordKind::PolicyRejected);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].integer("line"), 7);
    EXPECT_EQ(rejected[0].text("problem"), "resource 'sensor:thermal0' cannot be added (AlreadyExists)");
}

TEST(BootPolicy, ABadFileIsRefusedWithItsLineAndAudited)
{
    Loader loader;
    auto loaded = loader.load(true, "limit proposals 3\n\nlimit proposals 5\n");
    ASSERT_TRUE(loaded.is_error());
    EXPECT_EQ(loader.diagnostic.line(), 3u);
    std::string message(loader.diagnostic.message().characters(), loader.diagnostic.message().length());
    EXPECT_EQ(message.rfind("etc/policy:3: ", 0), 0u) << message;
    auto rejected = loader.audit.records(audit::RecordKind::PolicyRejected);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].agent, kernel_agent);
    EXPECT_EQ(rejected[0].text("file"), "etc/policy");
    EXPECT_EQ(rejected[0].integer("line"), 3);
    EXPECT_EQ("etc/policy:3: " + rejected[0].text("problem"), message); // short enough not to be clipped
}

TEST(BootPolicy, AnEmptyFileIsAPolicyWithNoRules)
{
    Loader loader;
    auto loaded = loader.load(true, "# nothing forbidden\n");
    ASSERT_TRUE(loaded.is_ok());
    EXPECT_EQ(directive_count(loaded.value().policy), 0u);
}

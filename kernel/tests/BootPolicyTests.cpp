#include <kernel/agent/SystemInitrd.h>
#include <kernel/govern/BootPolicy.h>
#include <kernel/log/Panic.h>
#include <kernel/tests/Framework.h>

// The boot policy loader on the real target, with a private audit log so that the refusal
// record it writes stays out of the kernel's own log.
namespace gehri::govern {

using namespace collective;

namespace {

uint8_t s_log_storage[16 * 1024];
PolicyRule s_rules[8];
CosignRule s_cosigns[2];

audit::AuditLog make_log()
{
    auto created = audit::AuditLog::create({ s_log_storage, sizeof(s_log_storage), 64, nullptr });
    VERIFY(created.is_ok());
    return created.release_value();
}

} // namespace

KERNEL_TEST(boot_policy_refuses_a_bad_file_naming_the_line)
{
    auto log = make_log();
    AuditTrail trail(log);
    Diagnostic diagnostic;
    auto loaded = load_policy(true, "# ok so far\ndeny any steal x\n", s_rules, s_cosigns, trail, diagnostic);
    EXPECT(loaded.is_error());
    EXPECT_EQ(diagnostic.line(), 2u);
    EXPECT(diagnostic.message() == StringView("etc/policy:2: unknown action 'steal' (expected lease, propose, bid or vote)"));
    EXPECT_EQ(trail.records_written(), 1u);
    size_t rejected = 0;
    uint64_t line = 0;
    (void)log.for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
        if (record.kind != audit::RecordKind::PolicyRejected || record.agent != kernel_agent)
            return;
        ++rejected;
        for (size_t i = 0; i < record.field_count; ++i) {
            if (record.fields[i].key == StringView("line"))
                line = record.fields[i].magnitude;
        }
    });
    EXPECT_EQ(rejected, 1u);
    EXPECT_EQ(line, 2u);
}

KERNEL_TEST(boot_policy_loads_a_good_file_and_falls_back_to_the_built_in)
{
    auto log = make_log();
    AuditTrail trail(log);
    Diagnostic diagnostic;
    auto loaded = load_policy(true, "deny group drones lease sensor:*\nlimit credits 10 per second\n", s_rules, s_cosigns, trail, diagnostic);
    EXPECT(loaded.is_ok());
    EXPECT(loaded.value().origin == PolicyOrigin::BootImage);
    EXPECT_EQ(directive_count(loaded.value().policy), 2u);
    EXPECT(!loaded.value().policy.check({ 5, "drones" }, { PolicyVerb::Lease, "sensor:thermal0" }).allowed);

    auto builtin = load_policy(false, {}, s_rules, s_cosigns, trail, diagnostic);
    EXPECT(builtin.is_ok());
    EXPECT(builtin.value().origin == PolicyOrigin::BuiltIn);
    EXPECT_EQ(builtin.value().policy.proposal_limit(), 4u);
    EXPECT(!builtin.value().policy.check({ 5, "any" }, { PolicyVerb::Lease, "kernel:watchdog" }).allowed);
    EXPECT_EQ(trail.records_written(), 0u);

    EXPECT_EQ(builtin.value().policy.resources().size(), 2u);

    // The boot image's default etc/policy holds the built-in directives.
    auto image = load_boot_policy(agent::system_initrd(), s_rules, s_cosigns, trail, diagnostic);
    EXPECT(image.is_ok());
    EXPECT(image.value().origin == PolicyOrigin::BootImage);
    EXPECT_EQ(directive_count(image.value().policy), 4u);
    auto resources = image.value().policy.resources();
    EXPECT_EQ(resources.size(), 2u);
    EXPECT(resources.size() == 2 && resources[0].name == "radio:uplink" && resources[0].rule == ContentionRule::Priority);
    EXPECT(resources.size() == 2 && resources[1].name == "gpu:0" && resources[1].rule == ContentionRule::Auction && resources[1].reserve_price == 5);
    EXPECT_EQ(image.value().policy.proposal_limit(), 4u);
}

} // namespace gehri::govern

#include <kernel/collective/BreakGlass.h>
#include <kernel/collective/LeaseManager.h>
#include <kernel/collective/PolicyEnforcer.h>
#include <kernel/collective/ProposalBoard.h>
#include <kernel/log/Panic.h>
#include <kernel/tests/Framework.h>

// The collective services on the real target (freestanding, -O2, no SSE), each with a private
// audit log so the tests leave the kernel's own log alone.
namespace gehri::collective {

namespace {

class CountingOutbox final : public Outbox {
public:
    void notify(const Event& event) override
    {
        ++events;
        last_event = event;
    }
    void apply(const ResourceEffect&) override { ++effects; }
    void control(const ControlAction& action) override { last_action = action; }

    size_t events { 0 };
    size_t effects { 0 };
    Event last_event {};
    ControlAction last_action { ControlKind::ResumeAll, 0 };
};

uint8_t s_log_storage[32 * 1024];

audit::AuditLog make_log()
{
    auto created = audit::AuditLog::create({ s_log_storage, sizeof(s_log_storage), 64, nullptr });
    VERIFY(created.is_ok());
    return created.release_value();
}

} // namespace

KERNEL_TEST(collective_board_one_ballot_each_and_audit)
{
    static ProposalSlot slots[2];
    static Elector electors[16];
    auto log = make_log();
    AuditTrail trail(log);
    CountingOutbox outbox;
    auto board = ProposalBoard::create({}, slots, electors, trail, outbox, nullptr).release_value();
    const StringView options[] = { "no", "yes" };
    const AgentId voters[] = { 1, 2, 3 };
    ProposalSpec spec { "policy", "q?", options, Threshold::simple_majority(), {}, Weighting::OneAgentOneVote, 100, false, nullptr };
    auto id = board.open(1, spec, voters, 0);
    EXPECT(id.is_ok());
    EXPECT(board.vote(1, id.value(), Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(board.vote(1, id.value(), Ballot::for_option(1), 1).error(), Error::AlreadyExists);
    EXPECT_EQ(board.vote(9, id.value(), Ballot::for_option(1), 1).error(), Error::AccessDenied);
    EXPECT(board.vote(2, id.value(), Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(board.open_count(), 0u);
    EXPECT(outbox.last_event.kind == EventKind::ProposalDecided);
    EXPECT_EQ(trail.records_written(), 2u); // opened, outcome
    EXPECT(log.verify_pending().is_ok());
}

KERNEL_TEST(collective_lease_holder_death_hands_over)
{
    static ResourceSlot resources[2];
    static LeaseSlot leases[4];
    static WaiterSlot waiters[4];
    auto log = make_log();
    AuditTrail trail(log);
    CountingOutbox outbox;
    auto manager = LeaseManager::create({ resources, leases, waiters }, trail, outbox, nullptr, nullptr).release_value();
    ResourceSpec spec;
    spec.name = "sensor:thermal0";
    uint32_t thermal = manager.add_resource(spec).value();
    EXPECT(manager.acquire(1, thermal, { false, 1000, 0, 0 }, 0).value().granted);
    EXPECT(!manager.acquire(2, thermal, { false, 1000, 0, 0 }, 0).value().granted);
    EXPECT_EQ(manager.agent_exited(1, 5), 1u);
    EXPECT(manager.holds(2, thermal));
    EXPECT(outbox.last_event.kind == EventKind::LeaseGranted);
    EXPECT_EQ(outbox.last_event.recipient, 2u);
}

KERNEL_TEST(collective_policy_denies_and_break_glass_freezes)
{
    static PolicyRule rules[4];
    static CosignRule cosigns[2];
    static const char text[] = "deny group drones lease sensor:*\nlimit credits 100 per minute\n";
    Diagnostic diagnostic;
    auto policy = Policy::parse("boot.policy", text, rules, cosigns, diagnostic).release_value();
    auto log = make_log();
    AuditTrail trail(log);
    PolicyEnforcer enforcer(policy, trail, nullptr);
    EXPECT_EQ(enforcer.check({ 3, "drones" }, { PolicyVerb::Lease, "sensor:thermal0" }, 0).error(), Error::AccessDenied);
    EXPECT(enforcer.check({ 3, "planners" }, { PolicyVerb::Lease, "sensor:thermal0" }, 0).is_ok());
    EXPECT_EQ(policy.credit_limit().amount, 100u);
    Diagnostic bad;
    EXPECT(Policy::parse("boot.policy", "deny any steal x\n", rules, cosigns, bad).is_error());
    EXPECT_EQ(bad.line(), 1u);

    static AgentId isolated[4];
    CountingOutbox outbox;
    BreakGlass glass(trail, outbox, isolated);
    EXPECT(glass.execute(BreakGlass::parse("freeze", bad).value(), CommandSource::Serial, 0).is_ok());
    EXPECT(glass.state() == BreakGlass::State::Frozen);
    EXPECT(outbox.last_action.kind == ControlKind::FreezeAll);
    EXPECT_EQ(trail.records_written(), 2u);
}

} // namespace gehri::collective

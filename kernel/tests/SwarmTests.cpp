// Swarms of real agents against each collective service (docs/collective.md, "Swarm tests"):
// each agents/swarm-* coordinator spawns its members, checks every answer and event itself and
// exits with its failure count; these tests also check what only the kernel sees (the audit
// log, trust). They run with gehri.test=swarm (and in gehri.test=all).
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/govern/Collective.h>
#include <kernel/tests/Framework.h>
#include <kernel/tests/SwarmSupport.h>

namespace gehri {

namespace {

using swarm_support::for_each_record;
using swarm_support::integer;
using swarm_support::run_audited;
using swarm_support::run_swarm;
using swarm_support::SwarmRun;
using swarm_support::text;

// What agents/swarm-votes plans, as the audit log must record it.
struct PlannedOutcome {
    StringView outcome;
    StringView option;
    uint64_t tied;
    uint64_t for_weight; // one agent, one vote; 0 for a reputation-weighted proposal (checked apart)
    uint64_t electorate;
    bool weighted;
    uint64_t min_ballots; // a proposal may settle before the last ballots come
};

constexpr PlannedOutcome planned_outcomes[] = {
    { "decided", "yes", 0, 8, 15, false, 8 },
    { "no_majority", "", 0, 0, 15, false, 15 },
    { "decided", "yes", 0, 13, 15, false, 15 },
    { "tie", "", 0b11, 0, 15, false, 15 },
    // The weighting phase: three distrusted members say yes, two trusted ones no.
    { "decided", "yes", 0, 3, 5, false, 3 },
    { "decided", "no", 0, 0, 5, true, 2 },
    // The group phase: twenty of one name, decided at the eleventh yes.
    { "decided", "yes", 0, 11, 20, false, 11 },
};
constexpr size_t planned_proposals = sizeof(planned_outcomes) / sizeof(planned_outcomes[0]);

// A reputation-weighted electorate weighs its members' vote weights, not one each; the two
// trusted members' "no" carries more than half of the weight cast (else it could not win).
void check_weighted_outcome(const audit::RecordView& record)
{
    uint64_t for_weight = integer(record, "for_weight");
    uint64_t cast = integer(record, "cast_weight");
    EXPECT(for_weight > 0);
    EXPECT(2 * for_weight > cast);
    EXPECT(cast != integer(record, "ballots"));
}

void check_outcome(const audit::RecordView& record, const PlannedOutcome& planned)
{
    EXPECT(text(record, "outcome") == planned.outcome);
    EXPECT(text(record, "option") == planned.option);
    EXPECT_EQ(integer(record, "tied"), planned.tied);
    EXPECT_EQ(integer(record, "electorate"), planned.electorate);
    uint64_t ballots = integer(record, "ballots");
    EXPECT(ballots >= planned.min_ballots && ballots <= planned.electorate);
    if (planned.weighted) {
        check_weighted_outcome(record);
        return;
    }
    EXPECT_EQ(integer(record, "for_weight"), planned.for_weight);
    // Abstentions count in the cast weight too.
    EXPECT_EQ(integer(record, "cast_weight"), ballots);
}

void check_opening(const audit::RecordView& record, const PlannedOutcome& planned)
{
    EXPECT_EQ(integer(record, "electorate"), planned.electorate);
    if (planned.weighted)
        EXPECT(integer(record, "weight") != planned.electorate); // vote weights (1000 for average trust)
    else
        EXPECT_EQ(integer(record, "weight"), planned.electorate); // one agent, one vote
}

} // namespace

KERNEL_TEST(swarm_votes_settle_by_each_rule_and_are_audited)
{
    SwarmRun run = run_audited("swarm-votes");
    uint64_t ids[planned_proposals] {};
    size_t opened = 0;
    size_t outcomes = 0;
    for_each_record(run, [&](const audit::RecordView& record) {
        if (record.agent != run.coordinator)
            return;
        if (record.kind == audit::RecordKind::ProposalOpened) {
            EXPECT(opened < planned_proposals);
            if (opened < planned_proposals) {
                check_opening(record, planned_outcomes[opened]);
                ids[opened++] = integer(record, "proposal");
            }
        }
        if (record.kind != audit::RecordKind::ProposalOutcome)
            return;
        size_t k = 0;
        while (k < planned_proposals && ids[k] != integer(record, "proposal"))
            ++k;
        EXPECT(k < planned_proposals);
        if (k == planned_proposals)
            return;
        ++outcomes;
        check_outcome(record, planned_outcomes[k]);
    });
    EXPECT_EQ(opened, planned_proposals);
    EXPECT_EQ(outcomes, planned_proposals);
}

KERNEL_TEST(swarm_auctions_clear_at_the_right_prices)
{
    // agents/swarm-auctions checks prizes, prices, refusals and credit itself; the audit log
    // must hold one clearing per auction and one effect per timed prize (A4's too).
    SwarmRun run = run_audited("swarm-auctions");
    size_t clearings = 0;
    size_t effects = 0;
    for_each_record(run, [&](const audit::RecordView& record) {
        if (record.kind == audit::RecordKind::AuctionClearing)
            ++clearings;
        if (record.kind == audit::RecordKind::ResourceEffect)
            ++effects;
    });
    EXPECT_EQ(clearings, 5u);
    EXPECT_EQ(effects, 7u);
}

KERNEL_TEST(swarm_leases_pass_on_when_a_holder_crashes)
{
    // agents/swarm-leases checks grants, queues, renewals and events itself; the audit log must
    // say how each lease ended: one holder died, one lease expired, the others were released.
    SwarmRun run = run_audited("swarm-leases");
    size_t died = 0;
    size_t expired = 0;
    size_t released = 0;
    for_each_record(run, [&](const audit::RecordView& record) {
        if (record.kind != audit::RecordKind::LeaseLost)
            return;
        StringView reason = text(record, "reason");
        died += reason == "holder_died";
        expired += reason == "expired";
        released += reason == "released";
    });
    EXPECT_EQ(died, 1u);
    EXPECT_EQ(expired, 1u);
    EXPECT_EQ(released, 7u); // the coordinator's two, the second waiter's, three sharers', the late one's
}

KERNEL_TEST(swarm_reputation_quarantines_the_collective)
{
    // agents/swarm-reputation: the coordinator (its id) and six honest members (the next six
    // ids) against a collective of four (the four after). The collective's standing comes down
    // through its policy denials: by ratings alone EigenTrust gives it the honest members'
    // trust, since the kernel names no pre-trusted agent (docs/collective.md, "Swarm tests").
    uint64_t denials_before = govern::policy_denials();
    // Its ~160 policy denials may overflow the audit ring: not run_audited.
    SwarmRun run = run_swarm("swarm-reputation");
    EXPECT_EQ(run.exit.reason, abi::ExitReason::Exited);
    EXPECT_EQ(run.exit.status, 0);
    // Each of a colluder's 40 violations is a policy denial until it is quarantined; after
    // that the quarantine refuses the lease first and the policy is not asked. Its standing
    // had to fall for the quarantine, so each was denied at least once.
    uint64_t denials = govern::policy_denials() - denials_before;
    EXPECT(denials >= 4);
    EXPECT(denials <= 4 * 40);
    uint64_t least_honest = UINT64_MAX;
    for (uint64_t i = 0; i <= 6; ++i) {
        uint64_t weight = govern::collective_vote_weight(run.coordinator + i);
        least_honest = weight < least_honest ? weight : least_honest;
        EXPECT(!govern::collective_is_quarantined(run.coordinator + i));
    }
    // At least about the average agent's 1000 (more when departed agents' records thin the mean).
    EXPECT(least_honest >= 900);
    for (uint64_t i = 7; i <= 10; ++i) {
        EXPECT(govern::collective_is_quarantined(run.coordinator + i));
        EXPECT_EQ(govern::collective_vote_weight(run.coordinator + i), 0u);
    }
}

KERNEL_TEST(swarm_flood_is_cut_off_and_others_go_through)
{
    // agents/swarm-flood checks the refusals and the members' proposals itself.
    SwarmRun run = run_audited("swarm-flood");
    EXPECT(!govern::collective_is_quarantined(run.coordinator + 1)); // slandered 20 times by one
}

} // namespace gehri

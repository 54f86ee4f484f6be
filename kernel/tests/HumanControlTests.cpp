#include <kernel/audit/KernelAuditLog.h>
#include <kernel/govern/Collective.h>
#include <kernel/govern/Governance.h>
#include <kernel/govern/HumanControls.h>
#include <kernel/log/Panic.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/ConsoleDriver.h>
#include <kernel/tests/Framework.h>

// The console's part in the collective (proposals, cosign, veto, lift) on the kernel's own
// services, driven through the console's command function as a person would type it.
namespace gehri {

namespace {

using collective::AgentId;
using collective::ProposalId;

// Far above any agent the boot starts, so the tests' electors are nobody else's.
constexpr AgentId first_elector = 7'000'001;
const StringView yes_no[] = { "no", "yes" };

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

// Opens a proposal that needs a co-sign, and votes it through: it then awaits the human.
ProposalId decided_awaiting_cosign(StringView kind)
{
    const AgentId electorate[] = { first_elector, first_elector + 1, first_elector + 2 };
    for (AgentId id : electorate)
        VERIFY(govern::collective_enroll(id).is_ok());
    collective::ProposalSpec spec { kind, "Apply the new limit?", yes_no, collective::Threshold::simple_majority(), {},
        collective::Weighting::OneAgentOneVote, now_ns() + 30 * collective::nanoseconds_per_second, true, nullptr };
    ProposalId id = govern::open_kernel_proposal(spec, electorate).value();
    VERIFY(govern::collective_vote_as(electorate[0], id, 1).is_ok());
    VERIFY(govern::collective_vote_as(electorate[1], id, 1).is_ok());
    return id;
}

// The decision field of the kernel log's Cosign record for `id` ("" if none).
StringView cosign_decision(ProposalId id)
{
    StringView decision;
    (void)audit::kernel_log().for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
        if (record.kind != audit::RecordKind::Cosign)
            return;
        bool ours = false;
        StringView text;
        for (size_t i = 0; i < record.field_count; ++i) {
            if (record.fields[i].key == StringView("proposal"))
                ours = record.fields[i].magnitude == id;
            if (record.fields[i].key == StringView("decision"))
                text = record.fields[i].text;
        }
        if (ours)
            decision = text == StringView("approved") ? StringView("approved") : StringView("vetoed");
    });
    return decision;
}

uint32_t settled_verdict(ProposalId id)
{
    auto status = govern::proposal_status(id);
    if (status.is_error() || status.value().state != static_cast<uint32_t>(abi::ProposalState::Settled))
        return UINT32_MAX;
    return status.value().verdict;
}

} // namespace

KERNEL_TEST(console_lists_cosigns_and_vetoes_proposals)
{
    EXPECT(govern::is_initialized());
    ktest::ConsoleDriver console;
    ProposalId approved = decided_awaiting_cosign("console-test");
    ProposalId vetoed = decided_awaiting_cosign("console-test");
    EXPECT_EQ(govern::proposal_status(approved).value().state, static_cast<uint32_t>(abi::ProposalState::AwaitingCosign));
    size_t queued = govern::events().pending(first_elector + 2);

    StringView listing = console.run("proposals");
    EXPECT(listing.contains("console-test"));
    EXPECT(listing.contains("cosign"));
    EXPECT(listing.contains("yes (2)"));
    EXPECT(listing.contains("2 await a co-sign"));

    EXPECT(console.run("cosign").contains("usage: cosign ID"));
    EXPECT(console.run("cosign 99999999").contains("is not waiting for a co-sign"));
    EXPECT(console.run(FixedString<32>::formatted("cosign {}", approved).view()).contains("takes effect"));
    EXPECT(console.run(FixedString<32>::formatted("veto {}", vetoed).view()).contains("is refused"));
    EXPECT(console.run(FixedString<32>::formatted("veto {}", vetoed).view()).contains("is not waiting"));

    EXPECT_EQ(settled_verdict(approved), static_cast<uint32_t>(collective::Verdict::Decided));
    EXPECT_EQ(settled_verdict(vetoed), static_cast<uint32_t>(collective::Verdict::CosignRefused));
    EXPECT(cosign_decision(approved) == StringView("approved"));
    EXPECT(cosign_decision(vetoed) == StringView("vetoed"));
    // Every elector heard both outcomes in its event queue (the one that did not vote too).
    EXPECT_EQ(govern::events().pending(first_elector + 2), queued + 2);
    EXPECT(console.run("help").contains("cosign ID"));
}

KERNEL_TEST(console_cosign_that_never_comes_is_settled_as_expired)
{
    ProposalId id = decided_awaiting_cosign("console-expiry");
    // The co-sign window (600 s) passes: the govern thread's advance settles it.
    govern::collective_advance(now_ns() + 601 * collective::nanoseconds_per_second);
    EXPECT_EQ(settled_verdict(id), static_cast<uint32_t>(collective::Verdict::CosignExpired));
    EXPECT(cosign_decision(id).is_empty());
    ktest::ConsoleDriver console;
    EXPECT(!console.run("proposals").contains("console-expiry"));
}

KERNEL_TEST(console_lift_refuses_an_agent_that_is_not_cut_off)
{
    ktest::ConsoleDriver console;
    EXPECT(console.run("lift").contains("usage: lift AGENT"));
    EXPECT(console.run("lift 7000001").contains("neither quarantined nor isolated"));
}

} // namespace gehri

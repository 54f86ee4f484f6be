#include <kernel/govern/Collective.h>
#include <kernel/govern/CollectiveServices.h>
#include <kernel/govern/Governance.h>
#include <kernel/govern/HumanControls.h>
#include <kernel/lib/Sort.h>

namespace gehri::govern {

using namespace collective;
using namespace internal;

namespace {

ProposalSummary summarize(const ProposalSlot& slot)
{
    const Tally& tally = *slot.tally;
    ProposalSummary summary;
    summary.id = slot.id;
    summary.kind = slot.kind;
    summary.proposer = slot.proposer;
    summary.awaiting_cosign = slot.state == ProposalSlot::State::AwaitingCosign;
    summary.ballots = tally.ballots_cast();
    summary.electorate = tally.electorate_size();
    summary.cast_weight = tally.participating_weight();
    summary.electorate_weight = tally.electorate_weight();
    summary.due_ns = summary.awaiting_cosign ? slot.cosign_deadline : tally.config().deadline;
    uint32_t leading = summary.awaiting_cosign ? slot.outcome.option : slot.option_count;
    for (uint32_t option = 0; !summary.awaiting_cosign && option < slot.option_count; ++option) {
        uint64_t weight = tally.option_weight(option);
        if (weight > 0 && (leading == slot.option_count || weight > tally.option_weight(leading)))
            leading = option;
    }
    if (leading < slot.option_count) {
        summary.leading = slot.options[leading];
        summary.leading_weight = tally.option_weight(leading);
    }
    return summary;
}

} // namespace

size_t open_proposals(Span<ProposalSummary> out)
{
    if (!collective_ready())
        return 0;
    size_t count = 0;
    {
        InterruptSafeGuard guard(service_lock());
        for (const auto& slot : services().board->slots()) {
            if (slot.state != ProposalSlot::State::Free && count < out.size())
                out[count++] = summarize(slot);
        }
    }
    heap_sort(out.first(count), [](const ProposalSummary& a, const ProposalSummary& b) { return a.id < b.id; });
    return count;
}

Result<void> cosign_proposal(ProposalId id, bool approve)
{
    if (!collective_ready())
        return Error::NotSupported;
    return locked([&](Services& all, Nanoseconds now) { return all.board->cosign(id, approve, now); });
}

Result<Lifted> lift_agent(AgentId agent, CommandSource source)
{
    if (!collective_ready())
        return Error::NotSupported;
    Lifted lifted;
    auto quarantine = locked([&](Services& all, Nanoseconds now) { return all.reputation->lift(agent, LiftAuthority::Human, 0, now); });
    lifted.quarantine = quarantine.is_ok();
    auto release = execute_break_glass({ BreakGlassKind::Release, agent }, source);
    lifted.isolation = release.is_ok();
    if (!lifted.quarantine && !lifted.isolation)
        return Error::NotFound;
    return lifted;
}

Result<ProposalId> open_kernel_proposal(const ProposalSpec& spec, Span<const AgentId> electorate)
{
    if (!collective_ready())
        return Error::NotSupported;
    return locked([&](Services& all, Nanoseconds now) -> Result<ProposalId> {
        ProposalSpec copy = spec;
        copy.requires_cosign |= all.policy.requires_cosign(spec.kind);
        if (copy.kind == lift_quarantine_kind)
            return all.appeals->open(kernel_agent, copy, electorate, now);
        return all.board->open(kernel_agent, copy, electorate, now);
    });
}

Result<void> collective_vote_as(AgentId voter, ProposalId id, uint32_t option)
{
    if (!collective_ready())
        return Error::NotSupported;
    return locked([&](Services& all, Nanoseconds now) -> Result<void> {
        if (all.reputation->is_quarantined(voter))
            return Error::AccessDenied;
        return all.board->vote(voter, id, Ballot::for_option(option), now);
    });
}

} // namespace gehri::govern

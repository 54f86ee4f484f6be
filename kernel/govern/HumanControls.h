#pragma once

#include <kernel/collective/BreakGlass.h>
#include <kernel/collective/FixedName.h>
#include <kernel/collective/ProposalBoard.h>

// The human's part in the collective's decisions, for the console (docs/collective.md): see
// the open proposals, co-sign or veto the ones policy makes wait for a human, and lift a
// quarantine. Every act is audited with the human as its author. Thread context.
namespace gehri::govern {

struct ProposalSummary {
    collective::ProposalId id { 0 };
    collective::FixedName<24> kind;
    collective::AgentId proposer { 0 };
    bool awaiting_cosign { false };
    uint64_t ballots { 0 };
    uint64_t electorate { 0 };
    uint64_t cast_weight { 0 };
    uint64_t electorate_weight { 0 };
    // The option ahead (the decided one while awaiting a co-sign) and its weight; no label
    // while no ballot is cast for any option.
    collective::FixedName<24> leading;
    uint64_t leading_weight { 0 };
    uint64_t due_ns { 0 }; // the voting deadline, or the co-sign deadline
};

// The open proposals (voting or awaiting a co-sign), oldest first; returns how many (at most
// out.size()). 0 before the services run.
size_t open_proposals(Span<ProposalSummary> out);

// The human's answer to a proposal awaiting a co-sign: audited (Cosign, by human), then settled
// and told to its electors and proposer like any outcome. NotFound: no proposal awaits a co-sign
// under this id; NotSupported before the services run.
Result<void> cosign_proposal(collective::ProposalId, bool approve);

struct Lifted {
    bool quarantine { false }; // the reputation's quarantine (QuarantineLifted, by human)
    bool isolation { false };  // the console's isolation (a BreakGlass release)
};
// Ends whatever cuts the agent off: its quarantine and its isolation, each audited. NotFound if
// it is neither quarantined nor isolated; NotSupported before the services run.
Result<Lifted> lift_agent(collective::AgentId, collective::CommandSource);

// For the kernel's own tests: a proposal opened by the kernel (agent 0) on the kernel's
// board, and a ballot cast for an enrolled agent without a call of its own. The board's errors.
Result<collective::ProposalId> open_kernel_proposal(const collective::ProposalSpec&, Span<const collective::AgentId> electorate);
Result<void> collective_vote_as(collective::AgentId voter, collective::ProposalId, uint32_t option);

} // namespace gehri::govern

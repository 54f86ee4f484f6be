#pragma once

#include <kernel/collective/ProposalBoard.h>
#include <kernel/collective/Reputation.h>

namespace gehri::collective {

// The proposal kind reserved for lifting a quarantine by a vote (docs/collective.md).
constexpr StringView lift_quarantine_kind = "lift-quarantine";

// Votes that lift a quarantine. A proposal of kind `lift-quarantine` names its subject as the
// decimal agent id that starts its question ("17", or "17: its ratings were slander"); when it
// is Decided for its first option (option 0: lift), the subject's quarantine is lifted
// (Reputation::lift by Vote, naming the proposal: audited, the agent told QuarantineLifted).
// The subject is quarantined, so it is no elector. Any other outcome leaves the quarantine.
// Not synchronized: it lives beside the board and the reputation under the service lock.
class QuarantineAppeals final : public DecisionListener {
public:
    static constexpr size_t max_open = 16;

    QuarantineAppeals(ProposalBoard& board, Reputation& reputation)
        : m_board(board)
        , m_reputation(reputation)
    {
    }

    // The subject a lift-quarantine question names. InvalidArgument: no leading decimal id, or
    // the id is followed by something other than the end, ':' or a space.
    static Result<AgentId> subject_of(StringView question);

    // Opens `spec` (its kind must be lift_quarantine_kind) on the board. InvalidArgument: another
    // kind or a bad question; NotFound: the subject is not quarantined; AlreadyExists: a vote
    // on the subject is open; OutOfMemory: max_open appeals are open; the board's errors.
    Result<ProposalId> open(AgentId proposer, ProposalSpec spec, Span<const AgentId> electorate, Nanoseconds now);

    void proposal_settled(const ProposalResult&, Nanoseconds now) override;

    size_t open_count() const;
    // The appeal's subject, or 0.
    AgentId subject_of_proposal(ProposalId) const;

private:
    struct Appeal {
        ProposalId proposal { 0 };
        AgentId subject { 0 };
    };
    void settle(AgentId subject, const ProposalResult&, Nanoseconds now);

    ProposalBoard& m_board;
    Reputation& m_reputation;
    Appeal m_appeals[max_open] {};
    // The subject of the proposal being opened: the board may settle it inside open().
    AgentId m_opening { 0 };
};

} // namespace gehri::collective

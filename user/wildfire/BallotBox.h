#pragma once

#include <kernel/collective/Tally.h>
#include <kernel/lib/Optional.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Coordinator.h>
#include <user/wildfire/MindProtocol.h>

namespace gehri::wildfire {

// How one round of the village vote ended: the Tally's outcome (simple majority of the weight
// cast), the weight cast for each candidate and the ballots.
struct VoteCount {
    collective::OutcomeKind outcome { collective::OutcomeKind::Undecided };
    uint32_t option { 0 }; // when Decided
    uint64_t option_weight[max_candidates] {};
    uint64_t ballots { 0 };
};

// Where the rounds of the village vote are counted. The coordinator opens a round before it
// asks the drones (the ballot goes to them with the candidates), tells it each drone's choice
// as its reply brings it, and closes it once every reply is in. Two kinds: in this process (a
// kernel Tally; the model, LocalBallotBox) and in the kernel (a ProposalBoard proposal that
// each drone agent votes on itself with ProposalVote; agents/wildfire/AgentFleet). Both count
// the same ballots with the same weights, so they decide alike.
class BallotBox {
public:
    // A round among `candidates` for `electorate` (drone ids and their weights, the swarm's
    // trust in ppm). Returns the ballot the drones are told (0: their replies carry the vote).
    virtual Result<uint64_t> open(Span<const VillageCandidate> candidates, Span<const collective::Elector> electorate) = 0;
    // Drone `drone` replied that it chose `option`.
    virtual void replied(uint32_t drone, uint32_t option) = 0;
    // Ends the round with the ballots in (an elector that never voted counts for nothing).
    virtual Result<VoteCount> close() = 0;

protected:
    ~BallotBox() = default;
};

// The vote in this process: the replies' choices go into a kernel Tally (decided at its
// deadline, with every ballot in), as the coordinator computed it before the kernel ran it.
class LocalBallotBox final : public BallotBox {
public:
    LocalBallotBox() = default;
    // `electors`: room for the largest electorate (one per drone).
    explicit LocalBallotBox(Span<collective::Elector> electors)
        : m_electors(electors)
    {
    }
    // Moves with its scenario, between rounds (an open round's tally stays behind).
    LocalBallotBox(LocalBallotBox&& other)
        : m_electors(other.m_electors)
        , m_options(other.m_options)
        , m_round(other.m_round)
    {
    }
    LocalBallotBox& operator=(LocalBallotBox&& other)
    {
        m_electors = other.m_electors;
        m_options = other.m_options;
        m_round = other.m_round;
        m_tally.reset();
        return *this;
    }

    Result<uint64_t> open(Span<const VillageCandidate> candidates, Span<const collective::Elector> electorate) override;
    void replied(uint32_t drone, uint32_t option) override;
    Result<VoteCount> close() override;

private:
    Span<collective::Elector> m_electors {};
    uint32_t m_options { 0 };
    uint64_t m_round { 0 };
    Optional<collective::Tally> m_tally;
};

} // namespace gehri::wildfire

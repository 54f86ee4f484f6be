#pragma once

#include <kernel/collective/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::collective {

enum class Weighting : uint8_t {
    OneAgentOneVote,    // every elector weighs 1, whatever Elector::weight says
    ReputationWeighted, // every elector weighs Elector::weight (0 allowed: may vote, decides nothing)
    Given,              // the same, the weights being the proposer's (a swarm's own trust), not the kernel's
};

// The share of the decisive weight (cast, minus abstentions) the winning option needs:
// weight/decisive > numerator/denominator if strict, >= otherwise. Only thresholds above one
// half (or exactly one half, strict) are accepted, so at most one option can ever reach one.
struct Threshold {
    uint32_t numerator;
    uint32_t denominator;
    bool strict;

    static constexpr Threshold simple_majority() { return { 1, 2, true }; }
    // At least numerator/denominator, e.g. supermajority(2, 3).
    static constexpr Threshold supermajority(uint32_t numerator, uint32_t denominator) { return { numerator, denominator, false }; }
    // Every non-abstaining ballot for the same option. Abstentions do not break unanimity.
    static constexpr Threshold unanimity() { return { 1, 1, false }; }
};

// Minimum participation; both parts must hold. Abstentions participate.
struct Quorum {
    uint64_t min_ballots { 0 }; // ballots cast (count), abstentions included
    uint64_t min_weight { 0 };  // weight of the ballots cast, abstentions included

    // ceil(total * numerator / denominator): a quorum weight as a share of the electorate's.
    static Result<uint64_t> share_of(uint64_t total, uint64_t numerator, uint64_t denominator);
};

struct TallyConfig {
    uint32_t option_count { 2 };
    Weighting weighting { Weighting::OneAgentOneVote };
    Threshold threshold { Threshold::simple_majority() };
    Quorum quorum {};
    Nanoseconds deadline { 0 }; // ballots are accepted while now < deadline
};

// One member of the electorate, in storage the caller provides and keeps alive as long as the
// Tally. The caller fills id and weight; the Tally sorts the array by id and owns `ballot`.
struct Elector {
    AgentId id { 0 };
    uint64_t weight { 1 };
    uint32_t ballot { 0 };
};

class Ballot {
public:
    static constexpr Ballot for_option(uint32_t option) { return Ballot(option); }
    static constexpr Ballot abstain() { return Ballot(abstain_value); }
    constexpr bool is_abstention() const { return m_value == abstain_value; }
    constexpr uint32_t option() const { return m_value; }
    constexpr uint32_t raw() const { return m_value; }

    static constexpr uint32_t abstain_value = UINT32_MAX - 1;
    static constexpr uint32_t not_cast_value = UINT32_MAX;

private:
    explicit constexpr Ballot(uint32_t value)
        : m_value(value)
    {
    }
    uint32_t m_value;
};

enum class OutcomeKind : uint8_t {
    Undecided,  // open: before the deadline, and the ballots still out could change the result
    Decided,    // `option` won; final (early decisions are final too, later ballots cannot change them)
    NoQuorum,   // final: too few ballots or too little weight participated
    Tie,        // final: no option reached the threshold and two or more share the highest weight
    NoMajority, // final: no option reached the threshold, and the highest weight is unique or zero
};

struct Outcome {
    OutcomeKind kind { OutcomeKind::Undecided };
    uint32_t option { 0 };       // the winner, when Decided
    uint32_t tied_options { 0 }; // bit i set: option i is among the tied leaders, when Tie

    bool is_final() const { return kind != OutcomeKind::Undecided; }
    bool operator==(const Outcome&) const = default;

    static constexpr Outcome decided(uint32_t option) { return { OutcomeKind::Decided, option, 0 }; }
    static constexpr Outcome of(OutcomeKind kind) { return { kind, 0, 0 }; }
};

// A vote: one ballot per elector, counted as it arrives, decided as soon as the ballots still
// out can no longer change the result, or at the deadline. Pure and deterministic: the outcome
// is a function of the configuration, the ballots and `now`, never of arrival order.
// Not synchronized: the owning service serializes access.
class Tally {
public:
    static constexpr uint32_t max_options = 32;

    // Sorts `electorate` by id. InvalidArgument for a bad configuration or a duplicate id,
    // OutOfRange if the electorate's total weight does not fit in 64 bits.
    static Result<Tally> create(const TallyConfig& config, Span<Elector> electorate);

    // AccessDenied: not in the electorate. AlreadyExists: this elector has voted.
    // InvalidArgument: no such option. TimedOut: the deadline has passed.
    Result<void> cast(AgentId voter, Ballot ballot, Nanoseconds now);

    Outcome evaluate(Nanoseconds now) const;
    // False once no sequence of the remaining ballots can produce a Decided outcome, so a
    // service may escalate before the deadline; the outcome itself stays Undecided until then.
    bool can_still_decide() const;

    uint64_t option_weight(uint32_t option) const { return m_option_weight[option]; }
    uint64_t abstained_weight() const { return m_abstained_weight; }
    uint64_t participating_weight() const { return m_cast_weight; }
    uint64_t uncast_weight() const { return m_electorate_weight - m_cast_weight; }
    uint64_t electorate_weight() const { return m_electorate_weight; }
    uint64_t ballots_cast() const { return m_ballots_cast; }
    size_t electorate_size() const { return m_electorate.size(); }
    bool quorum_reached() const;
    const TallyConfig& config() const { return m_config; }

private:
    Tally(const TallyConfig& config, Span<Elector> electorate, uint64_t electorate_weight)
        : m_config(config)
        , m_electorate(electorate)
        , m_electorate_weight(electorate_weight)
    {
    }

    uint64_t weight_of(const Elector&) const;
    uint64_t decisive_weight() const { return m_cast_weight - m_abstained_weight; }
    bool reaches_threshold(uint64_t weight, uint64_t decisive) const;
    uint32_t leading_option() const;
    Outcome final_outcome() const;

    TallyConfig m_config;
    Span<Elector> m_electorate;
    uint64_t m_electorate_weight;
    uint64_t m_option_weight[max_options] {};
    uint64_t m_cast_weight { 0 };
    uint64_t m_abstained_weight { 0 };
    uint64_t m_ballots_cast { 0 };
};

} // namespace gehri::collective

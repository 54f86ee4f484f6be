#pragma once

#include <kernel/collective/ContentionRule.h>
#include <kernel/collective/Types.h>
#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/StringView.h>

// The swarm's policy file (docs/policy.md): a few declarative lines the kernel enforces at the
// syscall boundary. Parsing is all or nothing: a bad file names its line and the swarm does not
// start. The parsed policy views the caller's text and rule storage; keep both alive.
namespace gehri::collective {

enum class PolicyVerb : uint8_t { Lease, Propose, Bid, Vote };
StringView policy_verb_name(PolicyVerb);

struct PolicyRule {
    bool allow { false };
    bool any_agent { true };  // else only members of `group`
    StringView group;
    PolicyVerb verb { PolicyVerb::Lease };
    StringView pattern;       // '*' matches any run of characters
    size_t line { 0 };
    StringView text;          // the whole line, for denial reasons
};

struct CosignRule {
    StringView kind_pattern;
    size_t line { 0 };
};

// Who asks: the kernel fills this from its own records (the agent's manifest name is its group).
struct PolicySubject {
    AgentId agent;
    StringView group;
};

struct PolicyAction {
    PolicyVerb verb;
    StringView object; // a resource name, a proposal kind, an auction item
};

struct PolicyDecision {
    bool allowed;
    const PolicyRule* rule; // the deciding rule, null when nothing matched (allowed by default)
};

// `resource NAME rule RULE [shared N] [reserve N] [round MS]`: a resource the kernel adds to
// its lease manager at boot, after its built-in ones (docs/policy.md, "Resources").
struct ResourceDeclaration {
    StringView name;
    ContentionRule rule { ContentionRule::FirstCome }; // never GroupVote (not declarable yet)
    uint32_t max_shared { 1 };                          // 1: exclusive only
    uint64_t reserve_price { 0 };                       // Auction
    Nanoseconds round_length { nanoseconds_per_second }; // Auction
    size_t line { 0 };
};

struct RateLimit {
    uint64_t amount { 0 }; // 0: no limit
    Nanoseconds window { 0 };
};

class Policy {
public:
    static constexpr size_t max_line_length = 200;
    static constexpr size_t max_name_length = 48;
    static constexpr size_t max_pretrusted_groups = 4;
    static constexpr size_t max_resources = 8;
    static constexpr uint32_t max_shared_holders = 16;
    static constexpr uint64_t max_round_ms = 60'000;

    static Result<Policy> parse(StringView file_name, StringView text, Span<PolicyRule> rules,
        Span<CosignRule> cosigns, Diagnostic& diagnostic);

    // First matching allow/deny rule wins; with none, allowed.
    PolicyDecision check(const PolicySubject&, const PolicyAction&) const;
    bool requires_cosign(StringView proposal_kind) const;
    RateLimit credit_limit() const { return m_credit_limit; }
    uint32_t proposal_limit() const { return m_proposal_limit; } // 0: the board's default
    // `pretrust group NAME`: members anchor EigenTrust (its pre-trusted set P) and are never
    // quarantined.
    bool is_pretrusted(StringView group) const;
    Span<const StringView> pretrusted_groups() const { return { m_pretrusted, m_pretrusted_count }; }

    // Declared resources, in file order; names are unique within the file.
    Span<const ResourceDeclaration> resources() const { return { m_resources, m_resource_count }; }

    Span<const PolicyRule> rules() const { return m_rules; }
    Span<const CosignRule> cosign_rules() const { return m_cosigns; }

private:
    friend class PolicyParser;
    Policy() = default;

    Span<const PolicyRule> m_rules;
    Span<const CosignRule> m_cosigns;
    RateLimit m_credit_limit {};
    uint32_t m_proposal_limit { 0 };
    StringView m_pretrusted[max_pretrusted_groups];
    size_t m_pretrusted_count { 0 };
    ResourceDeclaration m_resources[max_resources];
    size_t m_resource_count { 0 };
};

// '*' matches any run of characters (also none); everything else matches itself.
bool glob_match(StringView pattern, StringView text);

} // namespace gehri::collective

#include <kernel/collective/Policy.h>

namespace gehri::collective {

StringView policy_verb_name(PolicyVerb verb)
{
    switch (verb) {
    case PolicyVerb::Lease: return "lease";
    case PolicyVerb::Propose: return "propose";
    case PolicyVerb::Bid: return "bid";
    case PolicyVerb::Vote: return "vote";
    }
    return "unknown";
}

PolicyDecision Policy::check(const PolicySubject& subject, const PolicyAction& action) const
{
    for (const auto& rule : m_rules) {
        if (rule.verb != action.verb || (!rule.any_agent && rule.group != subject.group))
            continue;
        if (glob_match(rule.pattern, action.object))
            return { rule.allow, &rule };
    }
    return { true, nullptr };
}

bool Policy::is_pretrusted(StringView group) const
{
    for (StringView pretrusted : pretrusted_groups()) {
        if (pretrusted == group)
            return true;
    }
    return false;
}

bool Policy::requires_cosign(StringView proposal_kind) const
{
    for (const auto& rule : m_cosigns) {
        if (glob_match(rule.kind_pattern, proposal_kind))
            return true;
    }
    return false;
}

} // namespace gehri::collective

#include <kernel/collective/PolicyEnforcer.h>

namespace gehri::collective {

Result<void> PolicyEnforcer::check(const PolicySubject& subject, const PolicyAction& action, Nanoseconds now)
{
    PolicyDecision decision = m_policy.check(subject, action);
    if (decision.allowed)
        return {};
    ++m_denials;
    m_audit.record(audit::RecordKind::PolicyDenial, subject.agent, {
        audit::Field::string("action", policy_verb_name(action.verb)),
        audit::Field::string("object", action.object),
        audit::Field::string("group", subject.group),
        audit::Field::integer("line", decision.rule->line),
        audit::Field::string("rule", decision.rule->text),
    });
    if (m_reputation)
        (void)m_reputation->penalize(subject.agent, now); // an agent unknown to it has no standing to lose
    return Error::AccessDenied;
}

} // namespace gehri::collective

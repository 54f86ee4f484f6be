#pragma once

#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/Policy.h>
#include <kernel/collective/Reputation.h>

namespace gehri::collective {

// What the syscall layer calls before acting for an agent: the policy's decision, with a
// denial's consequences attached — an audit record naming the rule, a count, and a mark
// against the agent's reputation (when there is a Reputation service).
class PolicyEnforcer {
public:
    PolicyEnforcer(const Policy& policy, AuditTrail& audit, Reputation* reputation)
        : m_policy(policy)
        , m_audit(audit)
        , m_reputation(reputation)
    {
    }

    // AccessDenied when a deny rule matches. The decision itself is Policy::check().
    Result<void> check(const PolicySubject&, const PolicyAction&, Nanoseconds now);

    uint64_t denials() const { return m_denials; }
    const Policy& policy() const { return m_policy; }

private:
    const Policy& m_policy;
    AuditTrail& m_audit;
    Reputation* m_reputation;
    uint64_t m_denials { 0 };
};

} // namespace gehri::collective

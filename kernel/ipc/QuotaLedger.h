#pragma once

#include <kernel/ipc/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

// Bytes charged to each agent on one blackboard, against one per-agent quota. An agent's record
// exists only while it is charged something, so a board many agents touched once stays small.
// Not synchronized: the blackboard's lock guards it.
class QuotaLedger {
public:
    explicit QuotaLedger(uint64_t quota)
        : m_quota(quota)
    {
    }
    ~QuotaLedger();
    QuotaLedger(const QuotaLedger&) = delete;
    QuotaLedger& operator=(const QuotaLedger&) = delete;

    // Replaces a charge of `old_bytes` to `old_agent` by `new_bytes` to `new_agent` (either may be
    // zero bytes), all or nothing. QuotaExceeded if `new_agent` would pass the quota; OutOfMemory
    // if its record cannot be made.
    Result<void> recharge(AgentId old_agent, uint64_t old_bytes, AgentId new_agent, uint64_t new_bytes);
    // Drops `bytes` of `agent`'s charge (a deleted entry). Cannot fail.
    void release(AgentId agent, uint64_t bytes);
    uint64_t usage(AgentId agent) const;
    uint64_t quota() const { return m_quota; }
    size_t agent_count() const { return m_accounts.size(); }

private:
    struct Account {
        AgentId agent;
        uint64_t bytes;
        sched::ListNode<Account> node;
    };
    Account* find(AgentId agent) const;

    uint64_t m_quota;
    sched::IntrusiveList<Account, &Account::node> m_accounts;
};

} // namespace gehri::ipc

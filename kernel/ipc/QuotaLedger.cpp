#include <kernel/ipc/QuotaLedger.h>
#include <kernel/lib/OwnPtr.h>
#include <new>

namespace gehri::ipc {

QuotaLedger::~QuotaLedger()
{
    while (Account* account = m_accounts.pop_first())
        OwnPtr<Account>::adopt(account).reset();
}

QuotaLedger::Account* QuotaLedger::find(AgentId agent) const
{
    Account* found = nullptr;
    m_accounts.for_each([&](Account& account) {
        if (account.agent == agent)
            found = &account;
    });
    return found;
}

Result<void> QuotaLedger::recharge(AgentId old_agent, uint64_t old_bytes, AgentId new_agent, uint64_t new_bytes)
{
    Account* account = find(new_agent);
    uint64_t current = account ? account->bytes : 0;
    // What the new agent holds once the old charge is gone, if that charge was its own.
    uint64_t base = old_agent == new_agent ? current - old_bytes : current;
    if (new_bytes > m_quota || base > m_quota - new_bytes)
        return Error::QuotaExceeded;
    if (!account) {
        if (new_bytes == 0) {
            release(old_agent, old_bytes);
            return {};
        }
        account = new (std::nothrow) Account { new_agent, 0, {} };
        if (!account)
            return Error::OutOfMemory;
        m_accounts.append(*account);
    }
    if (old_agent != new_agent)
        release(old_agent, old_bytes);
    account->bytes = base + new_bytes;
    if (account->bytes == 0) {
        m_accounts.remove(*account);
        OwnPtr<Account>::adopt(account).reset();
    }
    return {};
}

void QuotaLedger::release(AgentId agent, uint64_t bytes)
{
    if (bytes == 0)
        return;
    Account* account = find(agent);
    if (!account)
        return;
    account->bytes -= bytes;
    if (account->bytes == 0) {
        m_accounts.remove(*account);
        OwnPtr<Account>::adopt(account).reset();
    }
}

uint64_t QuotaLedger::usage(AgentId agent) const
{
    Account* account = find(agent);
    return account ? account->bytes : 0;
}

} // namespace gehri::ipc

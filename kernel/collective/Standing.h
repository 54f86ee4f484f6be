#pragma once

#include <kernel/collective/Types.h>

namespace gehri::collective {

// An agent's standing in the collective: may it take part in votes, and with what weight when
// a vote is reputation-weighted. Reputation implements it; a board without one lets everyone
// vote with weight 1. Kept as an interface so the board does not depend on how trust is kept.
class Standing {
public:
    virtual bool may_vote(AgentId) const = 0;
    virtual uint64_t vote_weight(AgentId) const = 0;

protected:
    ~Standing() = default;
};

} // namespace gehri::collective

#pragma once

#include <kernel/collective/Outbox.h>
#include <stddef.h>

// Resource effects decided by the collective services (an auction's winner gets scheduling
// weight W or extra memory quota until T): applied to the agent at once, reverted at `until`.
// One effect of each kind per agent is in force; a new one replaces its value and term. A
// weight lease's revert ends the lease (Agent::set_leased_weight(0)), which keeps any trust
// factor set meanwhile; a memory effect's revert restores the quota from before the first.
// A TrustWeight effect (the reputation's) has no term: it is applied and not tracked.
namespace gehri::govern {

void apply_effect(const collective::ResourceEffect&);
void revert_expired_effects(uint64_t now_ns);
size_t active_effect_count();
// The earliest `until` in force, or UINT64_MAX.
uint64_t next_effect_deadline();

} // namespace gehri::govern

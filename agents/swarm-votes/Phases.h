#pragma once

#include <user/swarm/Swarm.h>

// swarm-votes' later phases, each with members of its own (this program, role by argument).
namespace swarm_votes {

constexpr uint64_t role_weighted = 3ull << swarm::role_shift;
constexpr uint64_t role_grouped = 4ull << swarm::role_shift;
constexpr uint64_t member_quota = 256 * 1024;

// Reputation weighting: the same electorate and ballots decide differently by trust.
int weighted_member(uint64_t me, uint64_t argument);
void run_weighted(swarm::Checks&, const gehri::Agent& self);

// A group electorate: twenty agents of one name vote without being named.
int grouped_member(uint64_t me, uint64_t argument);
void run_grouped(swarm::Checks&, const gehri::Agent& self);

} // namespace swarm_votes

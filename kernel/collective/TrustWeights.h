#pragma once

#include <kernel/collective/EigenTrust.h>

// How trust turns into influence: pure functions, so the kernel, the tests and a person reading
// docs/collective.md all compute the same numbers. Trust is compared with the mean over the
// peers that count (total / n): an agent exactly as trusted as the average one has relative
// trust 1.0 (10^6 ppm). The total is a parameter because the kernel's own pre-trusted share is
// not an agent's and would otherwise make every agent look below average.
namespace gehri::collective {

// Capped at 100x the mean, so one agent's weight can never overflow a tally of many.
constexpr uint64_t max_relative_trust_ppm = 100 * parts_per_million;
// A total of 0 (nobody trusted at all) carries no information: everyone counts as average.
uint64_t relative_trust_ppm(Trust trust, size_t peer_count, Trust total = trust_one);

// Vote weight: 1000 for an agent of average trust, proportional to trust, at most 10000. An agent
// with no trust weighs 0: it may vote but decides nothing (see Tally).
constexpr uint64_t average_vote_weight = 1000;
constexpr uint64_t max_vote_weight = 10 * average_vote_weight;
uint64_t standing_vote_weight(uint64_t relative_ppm);
uint64_t trust_vote_weight(Trust trust, size_t peer_count, Trust total = trust_one);

// Scheduling weight: low trust lowers it in proportion, down to floor_ppm of `base`; trust
// above the mean never raises it (trust is no licence to take more CPU). Never below 1, so a
// distrusted agent still runs: quarantine isolates, it does not starve.
constexpr uint64_t default_scheduling_floor_ppm = 100'000;
uint64_t standing_scheduling_weight(uint64_t base, uint64_t relative_ppm, uint64_t floor_ppm = default_scheduling_floor_ppm);
uint64_t trust_scheduling_weight(uint64_t base, Trust trust, size_t peer_count, Trust total = trust_one,
    uint64_t floor_ppm = default_scheduling_floor_ppm);

} // namespace gehri::collective

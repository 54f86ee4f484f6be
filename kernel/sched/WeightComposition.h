#pragma once

#include <kernel/sched/PriorityClass.h>
#include <stdint.h>

namespace gehri::sched {

// An agent's scheduling weight from its parts (docs/collective.md, "Trust and scheduling
// weight"): its own weight (from its manifest), replaced while a weight lease won at auction is
// in force (leased != 0), then scaled by its trust factor in parts per million (the reputation's
// verdict: at most 10^6, so trust lowers a weight and never raises it), and kept within
// [min_weight, max_weight]. Each part is kept separately, so that a lease ending or trust being
// recomputed never loses the other's change.
constexpr uint32_t trust_factor_one = 1'000'000;

constexpr uint32_t compose_weight(uint32_t own, uint32_t leased, uint32_t trust_factor_ppm)
{
    uint64_t base = leased != 0 ? leased : own;
    uint64_t factor = trust_factor_ppm > trust_factor_one ? trust_factor_one : trust_factor_ppm;
    uint64_t weight = base * factor / trust_factor_one; // base <= 2^32, factor <= 10^6: no overflow
    if (weight < min_weight)
        return min_weight;
    return weight > max_weight ? max_weight : static_cast<uint32_t>(weight);
}

static_assert(compose_weight(1024, 0, trust_factor_one) == 1024);
static_assert(compose_weight(1024, 4096, 500'000) == 2048);
static_assert(compose_weight(1024, 0, 100'000) == 102);
static_assert(compose_weight(5, 0, 100'000) == min_weight);

} // namespace gehri::sched

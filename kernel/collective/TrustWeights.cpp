#include <kernel/collective/TrustWeights.h>
#include <kernel/lib/WideArithmetic.h>

namespace gehri::collective {

uint64_t relative_trust_ppm(Trust trust, size_t peer_count, Trust total)
{
    if (total == 0)
        return parts_per_million;
    // trust * n * 1e6 / total in 128 bits: trust < 2^63 and n * 1e6 < 2^64 for any real n.
    uint64_t scale = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(peer_count), parts_per_million, &scale))
        return max_relative_trust_ppm;
    UInt128 relative = divide_wide(multiply_wide(trust, scale), total).quotient;
    return relative > max_relative_trust_ppm ? max_relative_trust_ppm : static_cast<uint64_t>(relative);
}

uint64_t standing_vote_weight(uint64_t relative_ppm)
{
    uint64_t weight = relative_ppm / (parts_per_million / average_vote_weight);
    return weight > max_vote_weight ? max_vote_weight : weight;
}

uint64_t trust_vote_weight(Trust trust, size_t peer_count, Trust total)
{
    return standing_vote_weight(relative_trust_ppm(trust, peer_count, total));
}

uint64_t standing_scheduling_weight(uint64_t base, uint64_t factor, uint64_t floor_ppm)
{
    if (factor > parts_per_million)
        factor = parts_per_million;
    if (factor < floor_ppm)
        factor = floor_ppm > parts_per_million ? parts_per_million : floor_ppm;
    uint64_t weight = 0;
    if (!multiply_divide(base, factor, parts_per_million, weight))
        weight = base; // cannot happen: factor <= 1e6 keeps the quotient <= base
    return weight == 0 ? 1 : weight;
}

uint64_t trust_scheduling_weight(uint64_t base, Trust trust, size_t peer_count, Trust total, uint64_t floor_ppm)
{
    return standing_scheduling_weight(base, relative_trust_ppm(trust, peer_count, total), floor_ppm);
}

} // namespace gehri::collective

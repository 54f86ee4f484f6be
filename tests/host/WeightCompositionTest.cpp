#include <gtest/gtest.h>
#include <kernel/sched/WeightComposition.h>

using namespace gehri;
using namespace gehri::sched;

TEST(WeightComposition, WorkedExamples)
{
    EXPECT_EQ(compose_weight(1024, 0, trust_factor_one), 1024u);   // own weight, trusted
    EXPECT_EQ(compose_weight(1024, 0, 500'000), 512u);             // half the standing
    EXPECT_EQ(compose_weight(1024, 0, 100'000), 102u);             // the floor (rounded down)
    EXPECT_EQ(compose_weight(1024, 4000, trust_factor_one), 4000u); // a lease replaces it
    EXPECT_EQ(compose_weight(1024, 4000, 250'000), 1000u);         // ... and is scaled too
    EXPECT_EQ(compose_weight(3, 0, 100'000), min_weight);          // never below the minimum
    EXPECT_EQ(compose_weight(max_weight, 0, 2 * trust_factor_one), max_weight); // trust never raises
    EXPECT_EQ(compose_weight(1024, 0, 0), min_weight);
}

// The kernel keeps the parts and recomposes on every change, so the order of a lease, a trust
// change and the lease's end does not matter: no update is lost (docs/collective.md).
TEST(WeightComposition, PartsComposeInAnyOrder)
{
    uint32_t own = 1024;
    // Lease first, then distrust, then the lease ends.
    uint32_t leased = 4096;
    uint32_t factor = trust_factor_one;
    EXPECT_EQ(compose_weight(own, leased, factor), 4096u);
    factor = 250'000;
    EXPECT_EQ(compose_weight(own, leased, factor), 1024u);
    leased = 0;
    EXPECT_EQ(compose_weight(own, leased, factor), 256u); // not the 1024 it had before the lease
    // Distrust first, then a lease, then trust returns while the lease is still in force.
    leased = 2048;
    EXPECT_EQ(compose_weight(own, leased, factor), 512u);
    factor = trust_factor_one;
    EXPECT_EQ(compose_weight(own, leased, factor), 2048u);
    leased = 0;
    EXPECT_EQ(compose_weight(own, leased, factor), own);
}

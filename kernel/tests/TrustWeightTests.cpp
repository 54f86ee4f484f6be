#include <kernel/govern/Effects.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

// An agent's scheduling weight from its own weight, an auction's weight lease and the
// reputation's trust factor, applied through the kernel's effects in every order: a lease that
// ends keeps the trust factor set while it was in force (no lost update).
namespace gehri {

namespace {

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

} // namespace

KERNEL_TEST(trust_weight_composes_with_weight_leases)
{
    auto agent = object::Agent::create("weighted", { .weight = 1024 }).release_value();
    collective::AgentId id = agent->id();
    uint64_t until = now_ns() + 1'000'000'000;
    govern::apply_effect({ collective::EffectKind::SchedulingWeight, id, 4096, until });
    EXPECT_EQ(agent->weight(), 4096u);
    govern::apply_effect({ collective::EffectKind::TrustWeight, id, 250'000, UINT64_MAX });
    EXPECT_EQ(agent->weight(), 1024u);
    EXPECT_EQ(agent->trust_factor(), 250'000u);
    govern::revert_expired_effects(until);
    EXPECT_EQ(agent->weight(), 256u); // the lease ended; the distrust stays
    govern::apply_effect({ collective::EffectKind::TrustWeight, id, 1'000'000, UINT64_MAX });
    EXPECT_EQ(agent->weight(), 1024u);
    EXPECT_EQ(agent->own_weight(), 1024u);
    // Bad values are clamped, never refused into a zero weight.
    govern::apply_effect({ collective::EffectKind::TrustWeight, id, 0, UINT64_MAX });
    EXPECT_EQ(agent->weight(), sched::min_weight);
    govern::apply_effect({ collective::EffectKind::TrustWeight, id, 5'000'000, UINT64_MAX });
    EXPECT_EQ(agent->weight(), 1024u);
}

} // namespace gehri

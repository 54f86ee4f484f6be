#include <kernel/govern/Effects.h>
#include <kernel/govern/Governance.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/log/Log.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/PriorityClass.h>

namespace gehri::govern {

using namespace collective;

namespace {

struct Active {
    bool used { false };
    EffectKind kind { EffectKind::SchedulingWeight };
    AgentId agent { 0 };
    uint64_t previous { 0 }; // the memory quota to restore (a weight lease just ends)
    Nanoseconds until { 0 };
};

constexpr size_t max_active = 64;
Spinlock s_lock; // s_active; never held while acting on an agent
Active s_active[max_active];

uint32_t clamp_weight(uint64_t value)
{
    if (value < sched::min_weight)
        return sched::min_weight;
    return value > sched::max_weight ? sched::max_weight : static_cast<uint32_t>(value);
}

// A weight lease replaces the agent's own weight while in force; its trust factor still applies
// (Agent::weight, sched::compose_weight), and ending the lease leaves whatever the reputation
// decided meanwhile. Memory: `value` extra bytes on top of what the agent had before any effect.
void set_resource(object::Agent& agent, EffectKind kind, uint64_t value)
{
    switch (kind) {
    case EffectKind::SchedulingWeight:
        (void)agent.set_leased_weight(value == 0 ? 0 : clamp_weight(value));
        break;
    case EffectKind::MemoryQuota:
        agent.memory().set_quota(value);
        break;
    case EffectKind::TrustWeight:
        (void)agent.set_trust_factor(value == 0 ? 1 : static_cast<uint32_t>(value > sched::trust_factor_one ? sched::trust_factor_one : value));
        break;
    }
}

} // namespace

void apply_effect(const ResourceEffect& effect)
{
    RefPtr<object::Agent> agent = object::Agent::find(effect.agent);
    if (!agent)
        return; // it died before its prize arrived: nothing to change, nothing to revert
    if (effect.kind == EffectKind::TrustWeight) {
        set_resource(*agent, effect.kind, effect.value); // lasts until the reputation changes it
        return;
    }
    Active* slot = nullptr;
    bool existing = false;
    {
        InterruptSafeGuard guard(s_lock);
        for (auto& active : s_active) {
            if (active.used && active.agent == effect.agent && active.kind == effect.kind) {
                slot = &active;
                existing = true;
                break;
            }
        }
        for (size_t i = 0; slot == nullptr && i < max_active; ++i) {
            if (!s_active[i].used)
                slot = &s_active[i];
        }
        if (slot == nullptr) {
            log::warn("govern: no room to track another resource effect; agent {} keeps its resources", effect.agent);
            return;
        }
        slot->used = true;
        slot->kind = effect.kind;
        slot->agent = effect.agent;
        slot->until = effect.until;
        if (!existing && effect.kind == EffectKind::MemoryQuota)
            slot->previous = agent->memory().quota();
    }
    uint64_t value = effect.value;
    if (effect.kind == EffectKind::MemoryQuota && __builtin_add_overflow(slot->previous, effect.value, &value))
        value = UINT64_MAX;
    set_resource(*agent, effect.kind, value);
    if (is_initialized())
        effect_changed();
}

void revert_expired_effects(uint64_t now_ns)
{
    for (;;) {
        Active expired;
        {
            InterruptSafeGuard guard(s_lock);
            Active* found = nullptr;
            for (auto& active : s_active) {
                if (active.used && active.until <= now_ns) {
                    found = &active;
                    break;
                }
            }
            if (found == nullptr)
                return;
            expired = *found;
            found->used = false;
        }
        if (RefPtr<object::Agent> agent = object::Agent::find(expired.agent))
            set_resource(*agent, expired.kind, expired.kind == EffectKind::SchedulingWeight ? 0 : expired.previous);
    }
}

size_t active_effect_count()
{
    InterruptSafeGuard guard(s_lock);
    size_t count = 0;
    for (auto& active : s_active)
        count += active.used ? 1 : 0;
    return count;
}

uint64_t next_effect_deadline()
{
    InterruptSafeGuard guard(s_lock);
    uint64_t next = UINT64_MAX;
    for (auto& active : s_active) {
        if (active.used && active.until < next)
            next = active.until;
    }
    return next;
}

} // namespace gehri::govern

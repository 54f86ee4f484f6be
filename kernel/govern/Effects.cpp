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
    uint64_t previous { 0 }; // the weight or quota to restore
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

// Sets the agent's weight or quota; returns what it was.
uint64_t set_resource(object::Agent& agent, EffectKind kind, uint64_t value)
{
    if (kind == EffectKind::SchedulingWeight) {
        uint64_t previous = agent.weight();
        (void)agent.set_weight(clamp_weight(value));
        return previous;
    }
    uint64_t previous = agent.memory().quota();
    agent.memory().set_quota(value);
    return previous;
}

} // namespace

void apply_effect(const ResourceEffect& effect)
{
    RefPtr<object::Agent> agent = object::Agent::find(effect.agent);
    if (!agent)
        return; // it died before its prize arrived: nothing to change, nothing to revert
    // Memory: `value` is extra bytes on top of what the agent had before any effect.
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
        if (!existing)
            slot->previous = effect.kind == EffectKind::SchedulingWeight ? agent->weight() : agent->memory().quota();
    }
    uint64_t base = slot->previous;
    uint64_t value = effect.value;
    if (effect.kind == EffectKind::MemoryQuota && __builtin_add_overflow(base, effect.value, &value))
        value = UINT64_MAX;
    (void)set_resource(*agent, effect.kind, value);
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
            (void)set_resource(*agent, expired.kind, expired.previous);
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

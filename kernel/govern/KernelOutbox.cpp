#include <kernel/agent/Freeze.h>
#include <kernel/display/Display.h>
#include <kernel/govern/Effects.h>
#include <kernel/govern/Governance.h>
#include <kernel/govern/KernelOutbox.h>
#include <kernel/log/Log.h>
#include <kernel/object/Agent.h>

namespace gehri::govern {

using namespace collective;

void KernelOutbox::queue(const Act& act)
{
    InterruptSafeGuard guard(m_lock);
    if (m_count == capacity) {
        ++m_dropped;
        return;
    }
    m_acts[(m_head + m_count) % capacity] = act;
    ++m_count;
}

void KernelOutbox::notify(const Event& event) { queue({ .kind = ActKind::Event, .event = event, .effect = {}, .control = {} }); }

void KernelOutbox::apply(const ResourceEffect& effect) { queue({ .kind = ActKind::Effect, .event = {}, .effect = effect, .control = {} }); }

void KernelOutbox::control(const ControlAction& action) { queue({ .kind = ActKind::Control, .event = {}, .effect = {}, .control = action }); }

void KernelOutbox::perform_pending()
{
    for (;;) {
        Act act;
        {
            InterruptSafeGuard guard(m_lock);
            if (m_count == 0)
                return;
            act = m_acts[m_head];
            m_head = (m_head + 1) % capacity;
            --m_count;
        }
        perform(act);
    }
}

// The reputation's quarantine, mirrored on the agent so that the topic system calls (which
// take no service lock) can refuse it with one atomic load.
void KernelOutbox::mirror_quarantine(const Event& event)
{
    if (event.kind != EventKind::Quarantined && event.kind != EventKind::QuarantineLifted)
        return;
    if (RefPtr<object::Agent> agent = object::Agent::find(event.recipient))
        agent->set_quarantined(event.kind == EventKind::Quarantined);
}

void KernelOutbox::perform(const Act& act)
{
    switch (act.kind) {
    case ActKind::Event:
        mirror_quarantine(act.event);
        events().post(act.event);
        break;
    case ActKind::Effect:
        apply_effect(act.effect);
        break;
    case ActKind::Control:
        perform_control(act.control);
        __atomic_fetch_add(&m_controls_performed, 1, __ATOMIC_RELAXED);
        break;
    }
}

namespace {

// Kills every agent alive, in batches of what one snapshot holds, until none is left that is
// not already ending.
void kill_every_agent()
{
    constexpr size_t batch = 32;
    object::AgentSnapshot rows[batch];
    for (;;) {
        size_t count = object::Agent::snapshot_all(rows, batch);
        size_t killed = 0;
        for (size_t i = 0; i < count; ++i) {
            if (rows[i].exited || rows[i].kill_requested)
                continue;
            if (RefPtr<object::Agent> agent = object::Agent::find(rows[i].id)) {
                agent->kill({ .reason = abi::ExitReason::Killed, .status = abi::kill_status_break_glass });
                ++killed;
            }
        }
        if (killed == 0 || count < batch)
            break;
    }
    // Frozen threads of killed agents end now rather than at their next look.
    agent::wake_frozen_threads();
}

void set_isolated(AgentId id, bool isolated)
{
    if (RefPtr<object::Agent> agent = object::Agent::find(id))
        agent->set_isolated(isolated);
}

} // namespace

void KernelOutbox::perform_control(const ControlAction& action)
{
    switch (action.kind) {
    case ControlKind::FreezeAll:
        agent::freeze_all();
        display::set_frozen(true);
        break;
    case ControlKind::ResumeAll:
        display::set_frozen(false);
        agent::resume_all();
        break;
    case ControlKind::KillAll:
        kill_every_agent();
        break;
    case ControlKind::Isolate:
        set_isolated(action.agent, true);
        break;
    case ControlKind::Release:
        set_isolated(action.agent, false);
        break;
    }
}

} // namespace gehri::govern

#include <kernel/audit/KernelAuditLog.h>
#include <kernel/govern/Collective.h>
#include <kernel/govern/Effects.h>
#include <kernel/govern/Governance.h>
#include <kernel/govern/KernelOutbox.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/sched/KernelThread.h>
#include <new>

namespace gehri::govern {

using namespace collective;

namespace {

constexpr size_t max_isolated = 64;

struct Services {
    explicit Services(audit::AuditLog& log)
        : trail(log)
        , break_glass(trail, outbox, Span<AgentId>(isolated, max_isolated))
    {
    }
    AuditTrail trail;
    KernelOutbox outbox;
    AgentId isolated[max_isolated] {};
    Spinlock break_glass_lock;
    BreakGlass break_glass;
    EventQueues events;
};

alignas(Services) uint8_t s_services_space[sizeof(Services)];
Services* s_services = nullptr;
OwnPtr<sched::KernelThread> s_thread;

Services& services()
{
    VERIFY(s_services != nullptr);
    return *s_services;
}

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

// Sleeps until the earliest effect expires, or until a new effect may have moved that earlier
// (effect_changed): no timer at all while no effect is in force.
sched::WaitQueue s_effects_changed;
uint64_t s_effect_generation = 0;

void run_govern_thread(void*)
{
    auto& scheduler = sched::kernel_scheduler();
    for (;;) {
        uint64_t generation = __atomic_load_n(&s_effect_generation, __ATOMIC_ACQUIRE);
        revert_expired_effects(now_ns());
        collective_advance(now_ns());
        uint64_t next = next_effect_deadline();
        uint64_t services_next = collective_next_deadline();
        next = services_next < next ? services_next : next;
        (void)scheduler.wait_until(s_effects_changed, [generation] { return __atomic_load_n(&s_effect_generation, __ATOMIC_ACQUIRE) != generation; },
            next == UINT64_MAX ? sched::Scheduler::no_deadline : next);
    }
}

} // namespace

Result<void> initialize(const boot::Initrd* initrd)
{
    if (s_services != nullptr)
        return Error::AlreadyExists;
    if (!audit::kernel_log_ready())
        return Error::NotSupported;
    s_services = new (s_services_space) Services(audit::kernel_log());
    TRY(initialize_collective(s_services->trail, s_services->outbox, now_ns(), initrd));
    // Above every agent class's share rules: a revert must not wait behind an Emergency hog.
    s_thread = TRY(sched::KernelThread::spawn({ .name = "govern", .priority_class = sched::PriorityClass::Emergency, .weight = sched::max_weight },
        run_govern_thread, nullptr));
    log::info("govern: collective services started (break-glass, proposals, leases, credit and auctions, reputation, policy, event queues)");
    return {};
}

bool is_initialized() { return s_services != nullptr; }

void effect_changed()
{
    __atomic_fetch_add(&s_effect_generation, 1, __ATOMIC_ACQ_REL);
    sched::kernel_scheduler().wake_all(s_effects_changed);
}

Result<void> execute_break_glass(const BreakGlassCommand& command, CommandSource source)
{
    auto& all = services();
    if (command.kind == BreakGlassKind::Isolate && command.agent != kernel_agent && !object::Agent::find(command.agent))
        return Error::NotFound;
    Result<void> result;
    {
        InterruptSafeGuard guard(all.break_glass_lock);
        result = all.break_glass.execute(command, source, now_ns());
    }
    all.outbox.perform_pending();
    return result;
}

void run_break_glass_line(StringView line, CommandSource source, FormatSink& out)
{
    Diagnostic diagnostic;
    auto command = BreakGlass::parse(line, diagnostic);
    if (command.is_error()) {
        format_to(out, "{}\n", diagnostic.message());
        return;
    }
    auto executed = execute_break_glass(command.value(), source);
    StringView name = break_glass_kind_name(command.value().kind);
    if (executed.is_error()) {
        if (executed.error() == Error::NotFound && command.value().kind == BreakGlassKind::Isolate)
            format_to(out, "{}: no running agent {}\n", name, command.value().agent);
        else if (executed.error() == Error::NotFound)
            format_to(out, "{}: agent {} is not isolated\n", name, command.value().agent);
        else
            format_to(out, "{}: refused ({})\n", name, error_name(executed.error()));
        return;
    }
    switch (command.value().kind) {
    case BreakGlassKind::Freeze: out.write("freeze: every agent is stopped (resume, or Ctrl+Alt+R, restarts them)\n"); break;
    case BreakGlassKind::Resume: out.write("resume: agents run again\n"); break;
    case BreakGlassKind::KillAll: out.write("kill-all: every agent is ending; the system stays frozen (resume to start new agents)\n"); break;
    case BreakGlassKind::Isolate: format_to(out, "isolate: agent {} is cut off from votes, auctions, leases and topics\n", command.value().agent); break;
    case BreakGlassKind::Release: format_to(out, "release: agent {} takes part again\n", command.value().agent); break;
    }
}

BreakGlass::State break_glass_state()
{
    auto& all = services();
    InterruptSafeGuard guard(all.break_glass_lock);
    return all.break_glass.state();
}

EventQueues& events() { return services().events; }

} // namespace gehri::govern

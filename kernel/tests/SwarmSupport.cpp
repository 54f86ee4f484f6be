#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/lib/Format.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>
#include <kernel/tests/SwarmSupport.h>

namespace gehri::swarm_support {

namespace {

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

const audit::Field* field(const audit::RecordView& record, StringView key)
{
    for (size_t i = 0; i < record.field_count; ++i) {
        if (record.fields[i].key == key)
            return &record.fields[i];
    }
    return nullptr;
}

} // namespace

SwarmRun run_swarm(StringView program)
{
    SwarmRun run;
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd: boot with the module 'initrd' (tools/make-iso --initrd)");
        return run;
    }
    auto path = FixedString<64>::formatted("bin/{}", program);
    Diagnostic diagnostic;
    agent::SpawnOptions options { .name = program, .memory_quota = swarm_quota, .may_spawn = true };
    uint64_t started = now_ns();
    auto spawned = agent::spawn_agent_from_initrd(*initrd, path.view(), options, diagnostic);
    if (spawned.is_error()) {
        ktest::record_failure_formatted(__FILE__, __LINE__, "spawning {}: {}", program, diagnostic.message());
        return run;
    }
    run.coordinator = spawned.value().agent->id();
    auto info = spawned.value().agent->wait_for_exit(started + swarm_budget);
    if (info.is_error()) {
        ktest::record_failure_formatted(__FILE__, __LINE__, "{} did not exit ({})", program, error_name(info.error()));
        return run;
    }
    run.exit = info.value();
    run.guest_ns = now_ns() - started;
    return run;
}

// Exporting prints every pending record on the console, which costs guest time, so it is done
// only when the ring is short of room.
void make_audit_room()
{
    constexpr size_t room = 16 * 1024;
    auto status = audit::kernel_log().status();
    if (status.capacity_bytes - status.pending_bytes < room)
        (void)audit::export_kernel_log_to_console();
}

SwarmRun run_audited(StringView program)
{
    make_audit_room();
    auto before = audit::kernel_log().status();
    SwarmRun run = run_swarm(program);
    run.first_record = before.next_sequence;
    if (run.exit.reason != abi::ExitReason::Exited || run.exit.status != 0)
        ktest::record_failure_formatted(__FILE__, __LINE__, "{} ended with reason {} status {}", program, static_cast<uint32_t>(run.exit.reason), run.exit.status);
    uint64_t dropped = audit::kernel_log().status().dropped_total - before.dropped_total;
    if (dropped != 0)
        ktest::record_failure_formatted(__FILE__, __LINE__, "{} records of {} were dropped from the audit ring", dropped, program);
    return run;
}

uint64_t integer(const audit::RecordView& record, StringView key)
{
    const audit::Field* found = field(record, key);
    return found ? found->magnitude : UINT64_MAX;
}

StringView text(const audit::RecordView& record, StringView key)
{
    const audit::Field* found = field(record, key);
    return found ? found->text : StringView("(missing)");
}

} // namespace gehri::swarm_support

#pragma once

#include <kernel/audit/KernelAuditLog.h>
#include <kernel/syscall/Abi.h>

// Running a swarm coordinator (agents/swarm-*) from a kernel test and reading the audit
// records it left (kernel/tests/SwarmTests.cpp, ContentionSwarmTests.cpp).
namespace gehri::swarm_support {

constexpr uint64_t swarm_budget = 120'000'000'000; // ns: a generous bound (an overloaded -smp 8 host)
constexpr uint64_t swarm_quota = 16 * 1024 * 1024; // the coordinator pays its members' quotas

struct SwarmRun {
    abi::ExitInfo exit { .reason = abi::ExitReason(0) };
    uint64_t coordinator { 0 }; // its agent id
    uint64_t guest_ns { 0 };    // from spawn to exit
    uint64_t first_record { 0 }; // run_audited: the sequence number of the run's first audit record
};

// Runs a swarm's coordinator (with the Spawn right) to its end; a failure to start or to end
// within the budget is recorded as a test failure.
SwarmRun run_swarm(StringView program);

// Makes sure the audit ring can hold a swarm's records (a few dozen) without dropping any.
void make_audit_room();

// Runs the swarm with room in the audit ring for its records and records a test failure unless
// the coordinator exited with 0 (its members all passed) and no audit record was dropped.
SwarmRun run_audited(StringView program);

// Shows `visit` every audit record still in the ring from the run's first on.
template<typename Visit>
void for_each_record(const SwarmRun& run, Visit visit)
{
    (void)audit::kernel_log().for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
        if (record.sequence >= run.first_record)
            visit(record);
    });
}

uint64_t integer(const audit::RecordView&, StringView key); // UINT64_MAX when missing
StringView text(const audit::RecordView&, StringView key);  // "(missing)" when missing

} // namespace gehri::swarm_support

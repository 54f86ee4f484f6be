#pragma once

#include <kernel/audit/AuditLog.h>

// The kernel's one audit log: every kernel service appends its decisions here.
//
//   audit::kernel_log().append(audit::RecordKind::LeaseGranted, agent, {
//       audit::Field::integer("lease", lease_id), audit::Field::string("resource", "gpu:0") });
namespace gehri::audit {

constexpr size_t kernel_log_capacity = 64 * 1024;
constexpr uint32_t kernel_checkpoint_interval = 64;

// Creates the log over a static ring and writes its LogStart; kernel_main calls it once.
Result<void> initialize_kernel_log();
bool kernel_log_ready();
AuditLog& kernel_log();

// Nanoseconds since boot for the records' time stamps; records are stamped 0 until the clock
// subsystem installs one. It is called with interrupts off.
void set_time_source(TimeSource source);

// Writes every unexported record to the console as "AUDIT <json>" lines, each line in one
// console write so that other CPUs' output cannot split it. Not from interrupt context.
size_t export_kernel_log_to_console();

} // namespace gehri::audit

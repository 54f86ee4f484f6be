#pragma once

#include <kernel/sched/Scheduler.h>

// The kernel's one scheduler instance, on the real machine (implemented in
// kernel/arch/x86_64/SchedulerPlatform.cpp; host tests build their own Scheduler instead).
namespace gehri::sched {

Scheduler& kernel_scheduler();

// Puts the boot CPU under the scheduler: the caller (kernel_main, on the boot stack) becomes
// the thread "main", and an idle thread is created for when nothing else can run.
void initialize_on_boot_cpu();

} // namespace gehri::sched

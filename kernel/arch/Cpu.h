#pragma once

// The portable face of the CPU: the few operations that portable kernel code (locks,
// the scheduler, the console) needs. This is the one place that picks the implementation.
#if defined(GEHRI_HOST)
#    include <tests/host/support/ArchCpu.h>
#else
#    include <kernel/arch/x86_64/ArchCpu.h>
#endif

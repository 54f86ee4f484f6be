#pragma once

// Offsets into CpuLocal (PerCpu.h) of the fields the assembly entry paths reach through GS.
// Plain defines because SyscallEntry.S includes this file too; PerCpu.h checks every one
// against the structure with static_assert, so the two cannot drift apart.
#define CPU_LOCAL_SYSCALL_STACK_TOP 56
#define CPU_LOCAL_USER_STACK_SCRATCH 64
#define CPU_LOCAL_CURRENT_USER 72

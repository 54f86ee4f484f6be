#pragma once

#include <kernel/lib/Error.h>
#include <kernel/object/Handle.h>
#include <kernel/object/Rights.h>
#include <stddef.h>
#include <stdint.h>

// The system-call ABI, shared by the kernel and libgehri. Everything here crosses the
// boundary: numbers, layouts and limits change only together with syscall_abi_version.
//
// Calling convention (x86_64): `syscall` with the number in rax and up to six arguments in
// rdi, rsi, rdx, r10, r8, r9. The result comes back in rax: a value >= 0 on success, or
// -Error (kernel/lib/Error.h) on failure. rcx, r11 and the six argument registers are
// clobbered (the kernel zeroes what it does not return, so no kernel value leaks); rbx, rbp,
// rsp, r12-r15 and the FPU/SSE registers are preserved.
namespace gehri::abi {

constexpr uint32_t syscall_abi_version = 1;

enum class Syscall : uint64_t {
    Null = 0, // does nothing, returns 0: the cost of the round trip itself
    AbiVersion = 1, // () -> syscall_abi_version
    DebugWrite = 2, // (const char* text, size_t length) -> length; one line per '\n' in the kernel log
    Exit = 3, // (int32 status) -> does not return; ends every thread of the calling agent
    HandleClose = 4, // (handle) -> 0
    HandleDuplicate = 5, // (handle, rights) -> new handle with those rights (a subset)
    Wait = 6, // (agent or thread handle, timeout_ns, ExitInfo* out) -> 0 once it has exited
    ClockNow = 7, // () -> monotonic nanoseconds since boot
    Yield = 8, // () -> 0; lets other threads run first
    AgentInfo = 9, // (agent handle, AgentInfo* out) -> 0; needs Rights::Read
    Count,
};

// What the kernel passes to a new agent's first thread (registers at _start).
// rdi: a handle to the agent itself, rsi: a handle to this thread, rdx: the start argument
// its creator chose, rcx: the agent's id. rsp is 16-byte aligned, all else is zero.
constexpr Rights self_agent_rights = Rights::Read | Rights::Wait | Rights::Duplicate;
constexpr Rights self_thread_rights = Rights::Read | Rights::Wait | Rights::Duplicate;

// The most bytes one DebugWrite takes (more is InvalidArgument).
constexpr size_t debug_write_max = 1024;

// Wait's timeout: 0 polls (TimedOut if still running); this value waits forever.
constexpr uint64_t wait_forever = ~uint64_t(0);

enum class ExitReason : uint32_t {
    Exited = 1, // called Exit
    Faulted = 2, // killed by the kernel for a CPU exception in user mode
};

// How an agent or thread ended (Wait's output).
struct ExitInfo {
    ExitReason reason { ExitReason::Exited };
    int32_t status { 0 }; // Exit's status; 0 when Faulted
    uint32_t fault_vector { 0 }; // the exception vector when Faulted (14 = page fault, ...)
    uint32_t fault_error_code { 0 };
    uint64_t fault_address { 0 }; // the faulting data or code address (page faults), else 0
    uint64_t fault_ip { 0 }; // the instruction that faulted
};
static_assert(sizeof(ExitInfo) == 32);

// What AgentInfo reports about an agent.
struct AgentInfo {
    uint64_t id { 0 };
    char name[32] {}; // NUL-terminated
    uint32_t has_exited { 0 };
    uint32_t reserved { 0 };
};
static_assert(sizeof(AgentInfo) == 48);

constexpr int64_t encode_error(Error error) { return -static_cast<int64_t>(error); }
constexpr bool is_error_value(int64_t value) { return value < 0; }
constexpr Error decode_error(int64_t value) { return static_cast<Error>(-value); }

} // namespace gehri::abi

#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <kernel/syscall/Abi.h>

// The system calls, one function each, with the kernel's errors as Result errors
// (kernel/syscall/Abi.h documents each call). Implemented in runtime/System.cpp.
namespace gehri::system {

using AgentId = uint64_t;

uint64_t abi_version();
Result<size_t> debug_write(StringView text);
[[noreturn]] void exit(int32_t status);
Result<void> handle_close(HandleValue handle);
Result<HandleValue> handle_duplicate(HandleValue handle, Rights rights);
// timeout_ns: 0 polls, abi::wait_forever waits for good.
Result<abi::ExitInfo> wait(HandleValue handle, uint64_t timeout_ns = abi::wait_forever);
Result<abi::AgentInfo> agent_info(HandleValue agent);
uint64_t clock_now_ns();
void yield();
// The cheapest round trip into the kernel and back, for measurements.
void null_syscall();

} // namespace gehri::system

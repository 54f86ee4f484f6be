#include <user/libgehri/System.h>
#include <user/libgehri/runtime/Syscall.h>

namespace gehri::system {

namespace {

using abi::Syscall;

Result<uint64_t> checked(int64_t value)
{
    if (abi::is_error_value(value))
        return abi::decode_error(value);
    return static_cast<uint64_t>(value);
}

} // namespace

uint64_t abi_version() { return static_cast<uint64_t>(raw::syscall0(Syscall::AbiVersion)); }

Result<size_t> debug_write(StringView text)
{
    return TRY(checked(raw::syscall3(Syscall::DebugWrite, reinterpret_cast<uint64_t>(text.characters()), text.length())));
}

void exit(int32_t status)
{
    raw::syscall3(Syscall::Exit, static_cast<uint32_t>(status));
    __builtin_trap(); // Exit does not return
}

Result<void> handle_close(HandleValue handle)
{
    TRY(checked(raw::syscall3(Syscall::HandleClose, handle)));
    return {};
}

Result<HandleValue> handle_duplicate(HandleValue handle, Rights rights)
{
    return static_cast<HandleValue>(TRY(checked(raw::syscall3(Syscall::HandleDuplicate, handle, static_cast<uint64_t>(rights)))));
}

Result<abi::ExitInfo> wait(HandleValue handle, uint64_t timeout_ns)
{
    abi::ExitInfo info;
    TRY(checked(raw::syscall3(Syscall::Wait, handle, timeout_ns, reinterpret_cast<uint64_t>(&info))));
    return info;
}

Result<abi::AgentInfo> agent_info(HandleValue agent)
{
    abi::AgentInfo info;
    TRY(checked(raw::syscall3(Syscall::AgentInfo, agent, reinterpret_cast<uint64_t>(&info))));
    return info;
}

uint64_t clock_now_ns() { return static_cast<uint64_t>(raw::syscall0(Syscall::ClockNow)); }

void yield() { raw::syscall0(Syscall::Yield); }

void null_syscall() { raw::syscall0(Syscall::Null); }

} // namespace gehri::system

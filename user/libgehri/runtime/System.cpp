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

Result<HandleValue> spawn(HandleValue spawner, const abi::SpawnRequest& request)
{
    return static_cast<HandleValue>(TRY(checked(raw::syscall3(Syscall::Spawn, spawner, reinterpret_cast<uint64_t>(&request)))));
}

Result<void> kill(HandleValue agent, int32_t status)
{
    TRY(checked(raw::syscall3(Syscall::Kill, agent, static_cast<uint32_t>(status))));
    return {};
}

Result<abi::ChildExit> wait_child(uint64_t timeout_ns)
{
    abi::ChildExit report;
    TRY(checked(raw::syscall3(Syscall::WaitChild, timeout_ns, reinterpret_cast<uint64_t>(&report))));
    return report;
}

Result<void*> memory_map(size_t length, abi::MemoryFlags flags)
{
    return reinterpret_cast<void*>(TRY(checked(raw::syscall3(Syscall::MemoryMap, length, static_cast<uint64_t>(flags)))));
}

Result<void> memory_unmap(void* address, size_t length)
{
    TRY(checked(raw::syscall3(Syscall::MemoryUnmap, reinterpret_cast<uint64_t>(address), length)));
    return {};
}

Result<HandleValue> thread_create(uint64_t entry, uint64_t argument, uint64_t stack_size, uint64_t context)
{
    return static_cast<HandleValue>(TRY(checked(raw::syscall4(Syscall::ThreadCreate, entry, argument, stack_size, context))));
}

void thread_exit()
{
    raw::syscall0(Syscall::ThreadExit);
    __builtin_trap(); // ThreadExit does not return
}

Result<void> sleep_ns(uint64_t nanoseconds)
{
    TRY(checked(raw::syscall3(Syscall::Sleep, nanoseconds)));
    return {};
}

Result<size_t> boot_file_read(HandleValue agent, StringView path, uint64_t offset, void* buffer, size_t length)
{
    return TRY(checked(raw::syscall6(static_cast<uint64_t>(Syscall::BootFileRead), agent, reinterpret_cast<uint64_t>(path.characters()),
        path.length(), offset, reinterpret_cast<uint64_t>(buffer), length)));
}


namespace {

int64_t call6(Syscall number, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0, uint64_t e = 0, uint64_t f = 0)
{
    return raw::syscall6(static_cast<uint64_t>(number), a, b, c, d, e, f);
}

uint64_t address(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

} // namespace

Result<void> channel_create(HandleValue (&out)[2])
{
    TRY(checked(call6(Syscall::ChannelCreate, address(out))));
    return {};
}

Result<void> channel_write(HandleValue channel, const void* bytes, size_t length, const HandleValue* handles, size_t handle_count)
{
    TRY(checked(call6(Syscall::ChannelWrite, channel, address(bytes), length, address(handles), handle_count)));
    return {};
}

Result<size_t> channel_read(HandleValue channel, void* bytes, size_t capacity, HandleValue* handles, size_t handle_capacity, abi::ReadInfo& io)
{
    return TRY(checked(call6(Syscall::ChannelRead, channel, address(bytes), capacity, address(handles), handle_capacity, address(&io))));
}

Result<size_t> channel_call(HandleValue channel, const void* bytes, size_t length, void* reply, size_t capacity, abi::ReadInfo& io)
{
    return TRY(checked(call6(Syscall::ChannelCall, channel, address(bytes), length, address(reply), capacity, address(&io))));
}

Result<size_t> wait_many(abi::WaitItem* items, size_t count, uint64_t timeout_ns)
{
    return TRY(checked(call6(Syscall::WaitMany, address(items), count, timeout_ns)));
}

Result<HandleValue> wait_set_create() { return static_cast<HandleValue>(TRY(checked(call6(Syscall::WaitSetCreate)))); }

Result<void> wait_set_add(HandleValue set, HandleValue handle, uint64_t key, uint32_t interest)
{
    TRY(checked(call6(Syscall::WaitSetAdd, set, handle, key, interest)));
    return {};
}

Result<void> wait_set_remove(HandleValue set, uint64_t key)
{
    TRY(checked(call6(Syscall::WaitSetRemove, set, key)));
    return {};
}

Result<size_t> wait_set_wait(HandleValue set, abi::WaitSetReady* out, size_t capacity, uint64_t timeout_ns)
{
    return TRY(checked(call6(Syscall::WaitSetWait, set, address(out), capacity, timeout_ns)));
}

Result<HandleValue> event_create() { return static_cast<HandleValue>(TRY(checked(call6(Syscall::EventCreate)))); }

Result<void> event_signal(HandleValue event, uint32_t clear, uint32_t set)
{
    TRY(checked(call6(Syscall::EventSignal, event, clear, set)));
    return {};
}

Result<HandleValue> topic_namespace_create() { return static_cast<HandleValue>(TRY(checked(call6(Syscall::TopicNamespaceCreate)))); }

Result<HandleValue> topic_namespace_restrict(HandleValue topics, const abi::TopicPattern* patterns, size_t count, Rights rights)
{
    return static_cast<HandleValue>(
        TRY(checked(call6(Syscall::TopicNamespaceRestrict, topics, address(patterns), count, static_cast<uint64_t>(rights)))));
}

Result<HandleValue> topic_publisher(HandleValue topics, StringView name, abi::TopicFlags flags)
{
    return static_cast<HandleValue>(
        TRY(checked(call6(Syscall::TopicPublisher, topics, address(name.characters()), name.length(), static_cast<uint64_t>(flags)))));
}

Result<HandleValue> topic_subscribe(HandleValue topics, StringView name, const abi::SubscribeOptions& options)
{
    return static_cast<HandleValue>(TRY(checked(call6(Syscall::TopicSubscribe, topics, address(name.characters()), name.length(), address(&options)))));
}

Result<uint64_t> topic_publish(HandleValue publisher, const void* bytes, size_t length, uint64_t timeout_ns)
{
    return TRY(checked(call6(Syscall::TopicPublish, publisher, address(bytes), length, timeout_ns)));
}

Result<size_t> topic_take(HandleValue subscription, void* bytes, size_t capacity, abi::ReadInfo& io)
{
    return TRY(checked(call6(Syscall::TopicTake, subscription, address(bytes), capacity, address(&io))));
}

Result<HandleValue> blackboard_create() { return static_cast<HandleValue>(TRY(checked(call6(Syscall::BlackboardCreate)))); }

Result<size_t> blackboard_get(HandleValue board, const void* key, size_t key_length, void* value, size_t capacity, abi::EntryInfo& out)
{
    return TRY(checked(call6(Syscall::BlackboardGet, board, address(key), key_length, address(value), capacity, address(&out))));
}

Result<uint64_t> blackboard_put(HandleValue board, const void* key, size_t key_length, const void* value, size_t length, uint64_t expected)
{
    return TRY(checked(call6(Syscall::BlackboardPut, board, address(key), key_length, address(value), length, expected)));
}

Result<uint64_t> blackboard_delete(HandleValue board, const void* key, size_t key_length, uint64_t expected)
{
    return TRY(checked(call6(Syscall::BlackboardDelete, board, address(key), key_length, expected)));
}

Result<HandleValue> blackboard_watch(HandleValue board, const void* pattern, size_t length, abi::WatchScope scope, uint32_t capacity)
{
    return static_cast<HandleValue>(
        TRY(checked(call6(Syscall::BlackboardWatch, board, address(pattern), length, static_cast<uint64_t>(scope), capacity))));
}

Result<size_t> watch_next(HandleValue watch, void* key, size_t capacity, abi::WatchEventInfo& io)
{
    return TRY(checked(call6(Syscall::WatchNext, watch, address(key), capacity, address(&io))));
}

Result<HandleValue> memory_create(size_t size) { return static_cast<HandleValue>(TRY(checked(call6(Syscall::MemoryCreate, size)))); }

Result<void*> memory_map_object(HandleValue memory, abi::MemoryFlags flags, uint64_t* size_out)
{
    return reinterpret_cast<void*>(TRY(checked(call6(Syscall::MemoryMapObject, memory, static_cast<uint64_t>(flags), address(size_out)))));
}

Result<void*> display_acquire(HandleValue self, abi::DisplayInfo& info)
{
    return reinterpret_cast<void*>(TRY(checked(raw::syscall3(Syscall::DisplayAcquire, self, reinterpret_cast<uint64_t>(&info)))));
}

Result<HandleValue> bootstrap_handle() { return static_cast<HandleValue>(TRY(checked(call6(Syscall::BootstrapHandle)))); }

Result<HandleValue> bootstrap_take(StringView name)
{
    return static_cast<HandleValue>(TRY(checked(raw::syscall3(Syscall::BootstrapTake, reinterpret_cast<uint64_t>(name.characters()), name.length()))));
}

} // namespace gehri::system

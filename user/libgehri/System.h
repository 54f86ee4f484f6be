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

// `spawner`: a handle with Rights::Spawn to the agent that becomes the parent (usually this
// agent's own handle). Returns a handle to the child.
Result<HandleValue> spawn(HandleValue spawner, const abi::SpawnRequest& request);
Result<void> kill(HandleValue agent, int32_t status);
// The next child that ended: NotFound when none is left to wait for.
Result<abi::ChildExit> wait_child(uint64_t timeout_ns = abi::wait_forever);
// A demand-zero region of `length` bytes (a multiple of 4096), charged to the memory quota.
Result<void*> memory_map(size_t length, abi::MemoryFlags flags = abi::MemoryFlags::Write);
Result<void> memory_unmap(void* address, size_t length);
Result<HandleValue> thread_create(uint64_t entry, uint64_t argument, uint64_t stack_size, uint64_t context);
[[noreturn]] void thread_exit();
Result<void> sleep_ns(uint64_t nanoseconds);
// Reads from the file `path` of the boot image; `agent` needs Rights::Spawn.
Result<size_t> boot_file_read(HandleValue agent, StringView path, uint64_t offset, void* buffer, size_t length);
// Maps the framebuffer; `self` (this agent's own handle) needs Rights::Display.
Result<void*> display_acquire(HandleValue self, abi::DisplayInfo& info);


// IPC (docs/ipc.md). Reads wait up to io.timeout_ns (0 polls) and fill io's out fields.
Result<void> channel_create(HandleValue (&out)[2]);
Result<void> channel_write(HandleValue channel, const void* bytes, size_t length, const HandleValue* handles = nullptr, size_t handle_count = 0);
Result<size_t> channel_read(HandleValue channel, void* bytes, size_t capacity, HandleValue* handles, size_t handle_capacity, abi::ReadInfo& io);
// Writes `bytes` and reads the next message on the same end into `reply`, in one call
// (ChannelCall: no handles either way).
Result<size_t> channel_call(HandleValue channel, const void* bytes, size_t length, void* reply, size_t capacity, abi::ReadInfo& io);
Result<size_t> wait_many(abi::WaitItem* items, size_t count, uint64_t timeout_ns);
Result<HandleValue> wait_set_create();
Result<void> wait_set_add(HandleValue set, HandleValue handle, uint64_t key, uint32_t interest);
Result<void> wait_set_remove(HandleValue set, uint64_t key);
Result<size_t> wait_set_wait(HandleValue set, abi::WaitSetReady* out, size_t capacity, uint64_t timeout_ns);
Result<HandleValue> event_create();
Result<void> event_signal(HandleValue event, uint32_t clear, uint32_t set);
Result<HandleValue> topic_namespace_create();
Result<HandleValue> topic_namespace_restrict(HandleValue topics, const abi::TopicPattern* patterns, size_t count, Rights rights);
Result<HandleValue> topic_publisher(HandleValue topics, StringView name, abi::TopicFlags flags);
Result<HandleValue> topic_subscribe(HandleValue topics, StringView name, const abi::SubscribeOptions& options);
Result<uint64_t> topic_publish(HandleValue publisher, const void* bytes, size_t length, uint64_t timeout_ns = 0);
Result<size_t> topic_take(HandleValue subscription, void* bytes, size_t capacity, abi::ReadInfo& io);
Result<HandleValue> blackboard_create();
Result<size_t> blackboard_get(HandleValue board, const void* key, size_t key_length, void* value, size_t capacity, abi::EntryInfo& out);
Result<uint64_t> blackboard_put(HandleValue board, const void* key, size_t key_length, const void* value, size_t length, uint64_t expected);
Result<uint64_t> blackboard_delete(HandleValue board, const void* key, size_t key_length, uint64_t expected);
Result<HandleValue> blackboard_watch(HandleValue board, const void* pattern, size_t length, abi::WatchScope scope, uint32_t capacity);
Result<size_t> watch_next(HandleValue watch, void* key, size_t capacity, abi::WatchEventInfo& io);
Result<HandleValue> memory_create(size_t size);
Result<void*> memory_map_object(HandleValue memory, abi::MemoryFlags flags, uint64_t* size_out);
// The handle this agent's creator gave it at spawn (once; NotFound if none).
Result<HandleValue> bootstrap_handle();
// The handle its creator granted it under `name` ("blackboard:fire"), once; NotFound if none.
Result<HandleValue> bootstrap_take(StringView name);

} // namespace gehri::system

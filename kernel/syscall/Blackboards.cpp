#include <kernel/object/BlackboardObjects.h>
#include <kernel/object/SignalWait.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>
#include <kernel/time/Clock.h>

namespace gehri::syscall {

namespace {

using object::BlackboardObject;
using object::WatchObject;

// A key (binary safe) copied into `buffer`: InvalidArgument when empty, TooLarge past the limit.
Result<StringView> copy_key(UserPointer<const void> key, uint64_t length, char (&buffer)[abi::max_key_bytes], bool allow_empty = false)
{
    if (length > abi::max_key_bytes)
        return Error::TooLarge;
    if (length == 0 && !allow_empty)
        return Error::InvalidArgument;
    TRY(copy_from_user(buffer, key, length));
    return StringView(buffer, length);
}

} // namespace

Result<uint64_t> sys_blackboard_create(Caller& caller)
{
    auto board = TRY(BlackboardObject::create());
    return TRY(caller.agent().handles().add(std::move(board), abi::blackboard_rights));
}

Result<uint64_t> sys_blackboard_get(Caller& caller, HandleArgument handle, UserPointer<const void> key_pointer, Length key_length,
    UserPointer<void> value, Length capacity, UserPointer<abi::EntryInfo> out)
{
    auto board = TRY(caller.agent().handles().get_object_with_rights<BlackboardObject>(handle.value, Rights::Read));
    if (!is_user_range(out.address(), sizeof(abi::EntryInfo)) || out.is_null())
        return Error::BadAddress;
    char key_buffer[abi::max_key_bytes];
    StringView key = TRY(copy_key(key_pointer, key_length.value, key_buffer));
    // The value is shared with the board: copied out after its lock is released.
    auto entry = TRY(board->board().get(key));
    abi::EntryInfo info {
        .version = entry.version,
        .created_version = entry.created_version,
        .writer = entry.writer,
        .time_ns = entry.time_ns,
        .value_length = entry.value->size(),
    };
    TRY(copy_to_user(out, info));
    if (entry.value->size() > capacity.value)
        return Error::BufferTooSmall;
    TRY(copy_to_user(value, entry.value->bytes().data(), entry.value->size()));
    return entry.value->size();
}

Result<uint64_t> sys_blackboard_put(Caller& caller, HandleArgument handle, UserPointer<const void> key_pointer, Length key_length,
    UserPointer<const void> value, Length length, uint64_t expected)
{
    auto board = TRY(caller.agent().handles().get_object_with_rights<BlackboardObject>(handle.value, Rights::Write));
    char key_buffer[abi::max_key_bytes];
    StringView key = TRY(copy_key(key_pointer, key_length.value, key_buffer));
    if (length.value > board->board().limits().max_value_bytes)
        return Error::TooLarge;
    auto payload = TRY(ipc::Payload::create_uninitialized(length.value));
    TRY(copy_from_user(payload->writable_bytes().data(), value, length.value));
    uint64_t now = time::now_ns();
    if (expected == abi::any_version)
        return board->board().put(caller.agent().id(), now, key, std::move(payload));
    return board->board().compare_and_swap(caller.agent().id(), now, key, expected, std::move(payload));
}

Result<uint64_t> sys_blackboard_delete(Caller& caller, HandleArgument handle, UserPointer<const void> key_pointer, Length key_length,
    uint64_t expected)
{
    auto board = TRY(caller.agent().handles().get_object_with_rights<BlackboardObject>(handle.value, Rights::Write));
    char key_buffer[abi::max_key_bytes];
    StringView key = TRY(copy_key(key_pointer, key_length.value, key_buffer));
    return board->board().remove(caller.agent().id(), time::now_ns(), key, expected);
}

Result<uint64_t> sys_blackboard_watch(Caller& caller, HandleArgument handle, UserPointer<const void> pattern_pointer, Length length, uint64_t scope,
    uint64_t capacity)
{
    auto board = TRY(caller.agent().handles().get_object_with_rights<BlackboardObject>(handle.value, Rights::Read));
    if (scope > static_cast<uint64_t>(abi::WatchScope::Prefix) || capacity == 0 || capacity > std::numeric_limits<uint32_t>::max())
        return Error::InvalidArgument;
    char pattern_buffer[abi::max_key_bytes];
    StringView pattern = TRY(copy_key(pattern_pointer, length.value, pattern_buffer, true));
    auto watch = TRY(WatchObject::create(board->board(), scope == 0 ? ipc::WatchScope::Key : ipc::WatchScope::Prefix, pattern,
        static_cast<uint32_t>(capacity)));
    return TRY(caller.agent().handles().add(std::move(watch), abi::watch_rights));
}

Result<uint64_t> sys_watch_next(Caller& caller, HandleArgument handle, UserPointer<void> key, Length capacity, UserPointer<abi::WatchEventInfo> io)
{
    auto watch = TRY(caller.agent().handles().get_object_with_rights<WatchObject>(handle.value, Rights::Read));
    abi::WatchEventInfo info = TRY(copy_from_user(UserPointer<const abi::WatchEventInfo>(io.address())));
    if (!is_user_range(key.address(), capacity.value))
        return Error::BadAddress;
    uint64_t deadline = info.timeout_ns == 0 ? 0 : deadline_after(info.timeout_ns);
    size_t needed = 0;
    for (;;) {
        auto event = watch->watch().next_fitting(capacity.value, needed);
        if (event.is_ok()) {
            info.version = event.value().version;
            info.writer = event.value().writer;
            info.time_ns = event.value().time_ns;
            info.kind = static_cast<uint32_t>(event.value().kind);
            info.key_length = static_cast<uint32_t>(event.value().key->size());
            info.overflowed = watch->watch().take_overflow() ? 1 : 0;
            TRY(copy_to_user(key, event.value().key->bytes().data(), event.value().key->size()));
            TRY(copy_to_user(io, info));
            return info.key_length;
        }
        if (event.error() == Error::BufferTooSmall) {
            info.key_length = static_cast<uint32_t>(needed);
            TRY(copy_to_user(io, info));
            return Error::BufferTooSmall;
        }
        if (event.error() != Error::WouldBlock || info.timeout_ns == 0)
            return event.error();
        auto waited = object::wait_for_signals(watch->watch().signal_source(), ipc::signal::readable, deadline, &caller.thread);
        if (waited.is_error() && waited.error() != Error::WouldBlock)
            return waited.error();
    }
}

} // namespace gehri::syscall

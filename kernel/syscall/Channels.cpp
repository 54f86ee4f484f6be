#include <kernel/object/ChannelObject.h>
#include <kernel/object/HandleTransfer.h>
#include <kernel/object/SignalWait.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

namespace {

using object::ChannelEndpointObject;

// Lifts the handles a message carries out of the sender's table into the message's token slots.
Result<void> attach_handles(Caller& caller, ChannelEndpointObject& channel, UserPointer<const HandleValue> handles, size_t count,
    ipc::Message& message)
{
    HandleValue values[abi::max_message_handles];
    TRY(copy_from_user(values, UserPointer<const void>(handles.address()), count * sizeof(HandleValue)));
    auto& table = caller.agent().handles();
    for (size_t i = 0; i < count; ++i) {
        auto object = TRY(table.get_any_with_rights(values[i], Rights::Transfer));
        if (channel.is_same_channel(*object))
            return Error::InvalidArgument;
    }
    return object::mint_transfer_tokens(table, values, count, message.writable_handles().data());
}

// The waiting half of a read: the next message that fits into `message`, waiting until the
// deadline of info.timeout_ns. BufferTooSmall (it stays queued; info's counts say what it needs,
// for the caller to copy out), PeerClosed, TimedOut, Interrupted, WouldBlock for a poll. Touches
// no user memory, so it may run with interrupts off (ChannelCall's hand-off).
// A call's receive (`for_reply`) waits parked, so that the peer's next call can hand it the
// answer directly (ChannelEndpointObject::wait_reply).
[[gnu::always_inline]] inline Result<void> receive(Caller& caller, ChannelEndpointObject& channel, ipc::Message& message, size_t capacity, size_t handle_capacity,
    abi::ReadInfo& info, uint64_t deadline, bool for_reply = false)
{
    ipc::ChannelEndpoint::Pending needed {};
    for (;;) {
        auto read = channel.endpoint().read_fitting(message, capacity, handle_capacity, needed);
        if (read.is_ok())
            return {};
        if (read.error() == Error::BufferTooSmall) {
            info.byte_count = static_cast<uint32_t>(needed.bytes);
            info.handle_count = static_cast<uint32_t>(needed.handles);
            return Error::BufferTooSmall;
        }
        if (read.error() != Error::WouldBlock || info.timeout_ns == 0)
            return read.error();
        if (!for_reply) {
            TRY(channel.wait_readable(deadline, &caller.thread));
        } else if (TRY(channel.wait_reply(message, capacity, deadline, caller.thread))) {
            return {};
        }
    }
}

// After a receive that failed: a too-small buffer learns the sizes it needs.
Result<uint64_t> refuse(Error error, const abi::ReadInfo& info, UserPointer<abi::ReadInfo> io)
{
    if (error == Error::BufferTooSmall)
        TRY(copy_to_user(io, info));
    return error;
}

// The copying half: bytes, handles (installed in the caller's table) and the info block.
[[gnu::always_inline]] inline Result<uint64_t> deliver(Caller& caller, ipc::Message& message, UserPointer<void> bytes, UserPointer<HandleValue> handles, abi::ReadInfo& info,
    UserPointer<abi::ReadInfo> io)
{
    auto& table = caller.agent().handles();
    info.sender = message.sender();
    info.sequence = 0;
    info.byte_count = static_cast<uint32_t>(message.size());
    info.handle_count = static_cast<uint32_t>(message.handle_count());
    TRY(copy_to_user(bytes, message.bytes().data(), message.size()));
    if (info.handle_count != 0) {
        HandleValue values[abi::max_message_handles];
        auto tokens = message.handles();
        message.forget_handles(); // redeem consumes every token, installed or not
        TRY(object::redeem_transfer_tokens(table, tokens.data(), tokens.size(), values));
        auto copied = copy_to_user(UserPointer<void>(handles.address()), values, tokens.size() * sizeof(HandleValue));
        if (copied.is_error()) {
            for (size_t i = 0; i < tokens.size(); ++i)
                (void)table.close(values[i]);
            return copied.error();
        }
    }
    TRY(copy_to_user(io, info));
    return info.byte_count;
}

} // namespace

Result<uint64_t> sys_channel_create(Caller& caller, UserPointer<HandleValue> out)
{
    if (!is_user_range(out.address(), 2 * sizeof(HandleValue)))
        return Error::BadAddress;
    auto pair = TRY(ChannelEndpointObject::create_pair());
    auto& table = caller.agent().handles();
    HandleValue values[2];
    values[0] = TRY(table.add(std::move(pair.first), abi::channel_rights));
    auto second = table.add(std::move(pair.second), abi::channel_rights);
    if (second.is_error()) {
        (void)table.close(values[0]);
        return second.error();
    }
    values[1] = second.value();
    auto copied = copy_to_user(UserPointer<void>(out.address()), values, sizeof(values));
    if (copied.is_error()) {
        (void)table.close(values[0]);
        (void)table.close(values[1]);
        return copied.error();
    }
    return 0;
}

Result<uint64_t> sys_channel_write(Caller& caller, HandleArgument handle, UserPointer<const void> bytes, Length length,
    UserPointer<const HandleValue> handles, Length handle_count)
{
    auto channel = TRY(caller.agent().handles().get_object_with_rights<ChannelEndpointObject>(handle.value, Rights::Write));
    if (length.value > abi::max_message_bytes || handle_count.value > abi::max_message_handles)
        return Error::TooLarge;
    ipc::Message message;
    TRY(message.initialize(caller.agent().id(), length.value, handle_count.value));
    for (auto& token : message.writable_handles())
        token = 0; // unfilled slots are skipped if the message dies early
    TRY(copy_from_user(message.writable_bytes().data(), bytes, length.value));
    if (handle_count.value != 0)
        TRY(attach_handles(caller, *channel, handles, handle_count.value, message));
    TRY(channel->endpoint().write(std::move(message)));
    return 0;
}

Result<uint64_t> sys_channel_read(Caller& caller, HandleArgument handle, UserPointer<void> bytes, Length capacity,
    UserPointer<HandleValue> handles, Length handle_capacity, UserPointer<abi::ReadInfo> io)
{
    auto& table = caller.agent().handles();
    auto channel = TRY(table.get_object_with_rights<ChannelEndpointObject>(handle.value, Rights::Read));
    abi::ReadInfo info;
    TRY(copy_from_user(&info, UserPointer<const void>(io.address()), sizeof(info)));
    // Checked before a message is taken, so that a bad buffer does not lose it (a buffer that is
    // in user space but unmapped still can: the copy then faults after the dequeue).
    if (!is_user_range(bytes.address(), capacity.value) || !is_user_range(handles.address(), handle_capacity.value * sizeof(HandleValue)))
        return Error::BadAddress;
    ipc::Message message;
    uint64_t deadline = info.timeout_ns == 0 ? 0 : deadline_after(info.timeout_ns);
    auto received = receive(caller, *channel, message, capacity.value, handle_capacity.value, info, deadline);
    if (received.is_error())
        return refuse(received.error(), info, io);
    return deliver(caller, message, bytes, handles, info, io);
}

Result<uint64_t> sys_channel_call(Caller& caller, HandleArgument handle, UserPointer<const void> bytes, Length length, UserPointer<void> reply,
    Length capacity, UserPointer<abi::ReadInfo> io)
{
    auto channel = TRY(caller.agent().handles().get_object_with_rights<ChannelEndpointObject>(handle.value, Rights::Read | Rights::Write));
    if (length.value > abi::max_message_bytes)
        return Error::TooLarge;
    abi::ReadInfo info;
    TRY(copy_from_user(&info, UserPointer<const void>(io.address()), sizeof(info)));
    if (!is_user_range(reply.address(), capacity.value))
        return Error::BadAddress;
    // The request is copied in before the hand-off scope: a fault on user memory is handled
    // with interrupts on, and nothing is sent if the copy fails.
    ipc::Message message;
    TRY(message.initialize(caller.agent().id(), length.value));
    TRY(copy_from_user(message.writable_bytes().data(), bytes, length.value));
    uint64_t deadline = info.timeout_ns == 0 ? 0 : deadline_after(info.timeout_ns);
    // The fast path: the peer is parked in a call of its own (docs/ipc.md).
    if (info.timeout_ns != 0) {
        auto outcome = channel->call_directly(caller.thread, message, capacity.value, deadline);
        if (outcome == ChannelEndpointObject::CallOutcome::Answered)
            return deliver(caller, message, reply, UserPointer<HandleValue>(), info, io);
        if (outcome == ChannelEndpointObject::CallOutcome::Sent) {
            auto received = receive(caller, *channel, message, capacity.value, 0, info, deadline, true);
            if (received.is_error())
                return refuse(received.error(), info, io);
            return deliver(caller, message, reply, UserPointer<HandleValue>(), info, io);
        }
    }
    Result<void> received;
    {
        // The write wakes the reader at the other end; the wait for the answer then switches
        // straight to it (Scheduler::begin_handoff). Interrupts stay off from the write to the
        // block so that the reader, woken but not yet queued, waits for nothing else. No user
        // memory is touched in here.
        sched::HandoffScope handoff(sched::kernel_scheduler());
        TRY(channel->endpoint().write(std::move(message)));
        received = receive(caller, *channel, message, capacity.value, 0, info, deadline, true);
    }
    if (received.is_error())
        return refuse(received.error(), info, io);
    return deliver(caller, message, reply, UserPointer<HandleValue>(), info, io);
}

Result<uint64_t> sys_wait_many(Caller& caller, UserPointer<abi::WaitItem> items, Length count, uint64_t timeout_ns)
{
    if (count.value == 0 || count.value > abi::max_wait_items)
        return Error::InvalidArgument;
    abi::WaitItem copied[abi::max_wait_items];
    TRY(copy_from_user(copied, UserPointer<const void>(items.address()), count.value * sizeof(abi::WaitItem)));
    // The references keep every source alive while it is observed.
    RefPtr<object::KernelObject> objects[abi::max_wait_items];
    object::WaitTarget targets[abi::max_wait_items];
    auto& table = caller.agent().handles();
    for (size_t i = 0; i < count.value; ++i) {
        if (copied[i].reserved != 0 || copied[i].interest == 0 || (copied[i].interest & ~ipc::signal::all) != 0)
            return Error::InvalidArgument;
        objects[i] = TRY(table.get_any_with_rights(copied[i].handle, Rights::Wait));
        ipc::SignalSource* source = objects[i]->signal_source();
        if (source == nullptr)
            return Error::WrongObjectType;
        targets[i] = { source, copied[i].interest, 0 };
    }
    uint64_t deadline = timeout_ns == 0 ? 0 : deadline_after(timeout_ns);
    Result<size_t> ready = Error::WouldBlock;
    while (ready.is_error() && ready.error() == Error::WouldBlock)
        ready = object::wait_for_any(targets, count.value, deadline, &caller.thread);
    if (ready.is_error())
        return ready.error();
    for (size_t i = 0; i < count.value; ++i)
        copied[i].observed = targets[i].observed;
    TRY(copy_to_user(UserPointer<void>(items.address()), copied, count.value * sizeof(abi::WaitItem)));
    return ready.value();
}

} // namespace gehri::syscall

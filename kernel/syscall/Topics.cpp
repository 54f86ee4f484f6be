#include <kernel/object/RoomWait.h>
#include <kernel/object/SignalWait.h>
#include <kernel/object/TopicObjects.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

namespace {

using object::PublisherObject;
using object::SubscriptionObject;
using object::TopicNamespaceObject;

// The topic `name` names in the namespace behind `handle` (which needs `role`, and Write too
// with TopicFlags::Create).
Result<ipc::RefPtr<ipc::Topic>> find_topic(Caller& caller, HandleValue handle, Rights role, UserPointer<const char> name, uint64_t length,
    uint32_t flags)
{
    if ((flags & ~uint32_t(abi::TopicFlags::All)) != 0)
        return Error::InvalidArgument;
    bool create = (flags & uint32_t(abi::TopicFlags::Create)) != 0;
    auto topics = TRY(caller.agent().handles().get_object_with_rights<TopicNamespaceObject>(handle, create ? role | Rights::Write : role));
    if (length > abi::max_topic_name_length)
        return Error::TooLarge;
    char buffer[abi::max_topic_name_length];
    TRY(copy_from_user(buffer, UserPointer<const void>(name.address()), length));
    StringView view(buffer, length);
    if (!topics->allows(view, role))
        return Error::AccessDenied;
    return create ? topics->topics().open_or_create(view) : topics->topics().open(view);
}

Result<uint64_t> add_handle(Caller& caller, RefPtr<object::KernelObject> object, Rights rights)
{
    return TRY(caller.agent().handles().add(std::move(object), rights));
}

} // namespace

Result<uint64_t> sys_topic_namespace_create(Caller& caller)
{
    auto topics = TRY(TopicNamespaceObject::create());
    return add_handle(caller, std::move(topics), abi::namespace_rights);
}

Result<uint64_t> sys_topic_namespace_restrict(Caller& caller, HandleArgument handle, UserPointer<const abi::TopicPattern> patterns,
    Length count, Rights rights)
{
    // Deriving a handle is duplicating it: it needs Duplicate, and rights the source holds.
    auto parent = TRY(caller.agent().handles().get_object_with_rights<TopicNamespaceObject>(handle.value, Rights::Duplicate | rights));
    if (count.value == 0)
        return Error::InvalidArgument;
    if (count.value > abi::max_topic_patterns)
        return Error::TooLarge;
    abi::TopicPattern entries[abi::max_topic_patterns];
    TRY(copy_from_user(entries, UserPointer<const void>(patterns.address()), count.value * sizeof(abi::TopicPattern)));
    auto scope = TRY(make_owned<ipc::TopicScope>());
    for (size_t i = 0; i < count.value; ++i) {
        const abi::TopicPattern& entry = entries[i];
        if (!are_valid_rights(entry.rights))
            return Error::InvalidArgument;
        if (entry.length > abi::max_topic_name_length)
            return Error::TooLarge;
        char pattern[abi::max_topic_name_length];
        TRY(copy_from_user(pattern, UserPointer<const void>(entry.pattern), entry.length));
        TRY(scope->add(StringView(pattern, entry.length), static_cast<Rights>(entry.rights)));
    }
    auto restricted = TRY(TopicNamespaceObject::create_restricted(std::move(parent), std::move(scope)));
    return add_handle(caller, std::move(restricted), rights);
}

Result<uint64_t> sys_topic_publisher(Caller& caller, HandleArgument topics, UserPointer<const char> name, Length length, uint64_t flags)
{
    if (flags > std::numeric_limits<uint32_t>::max())
        return Error::InvalidArgument;
    if (caller.agent().is_cut_off())
        return Error::AccessDenied;
    auto topic = TRY(find_topic(caller, topics.value, Rights::Publish, name, length.value, static_cast<uint32_t>(flags)));
    auto publisher = TRY(PublisherObject::create(*topic));
    return add_handle(caller, std::move(publisher), abi::publisher_rights);
}

Result<uint64_t> sys_topic_subscribe(Caller& caller, HandleArgument topics, UserPointer<const char> name, Length length,
    UserPointer<const abi::SubscribeOptions> options_pointer)
{
    auto options = TRY(copy_from_user(options_pointer));
    if (options.reliable > 1 || options.latest_value > 1)
        return Error::InvalidArgument;
    if (caller.agent().is_cut_off())
        return Error::AccessDenied;
    auto topic = TRY(find_topic(caller, topics.value, Rights::Subscribe, name, length.value, options.flags));
    ipc::Qos qos {
        .history_depth = options.history_depth,
        .reliability = options.reliable ? ipc::Reliability::Reliable : ipc::Reliability::BestEffort,
        .latest_value = options.latest_value != 0,
    };
    auto subscription = TRY(SubscriptionObject::create(*topic, qos, caller.agent().delivery_gate()));
    return add_handle(caller, std::move(subscription), abi::subscription_rights);
}

Result<uint64_t> sys_topic_publish(Caller& caller, HandleArgument handle, UserPointer<const void> bytes, Length length, uint64_t timeout_ns)
{
    auto publisher = TRY(caller.agent().handles().get_object_with_rights<PublisherObject>(handle.value, Rights::Write));
    // A quarantined or isolated agent keeps its handles but cannot speak on any topic.
    if (caller.agent().is_cut_off())
        return Error::AccessDenied;
    if (length.value > publisher->publisher().topic().limits().max_sample_bytes)
        return Error::TooLarge;
    // One copy: from the agent straight into the payload every subscriber shares.
    auto payload = TRY(ipc::Payload::create_uninitialized(length.value));
    TRY(copy_from_user(payload->writable_bytes().data(), bytes, length.value));
    uint64_t deadline = timeout_ns == 0 ? 0 : deadline_after(timeout_ns);
    return object::publish_waiting_for_room(publisher->publisher(), caller.agent().id(), payload, deadline, &caller.thread);
}

Result<uint64_t> sys_topic_take(Caller& caller, HandleArgument handle, UserPointer<void> bytes, Length capacity, UserPointer<abi::ReadInfo> io)
{
    auto subscription = TRY(caller.agent().handles().get_object_with_rights<SubscriptionObject>(handle.value, Rights::Read));
    if (caller.agent().is_cut_off())
        return Error::AccessDenied;
    abi::ReadInfo info = TRY(copy_from_user(UserPointer<const abi::ReadInfo>(io.address())));
    if (!is_user_range(bytes.address(), capacity.value))
        return Error::BadAddress;
    uint64_t deadline = info.timeout_ns == 0 ? 0 : deadline_after(info.timeout_ns);
    ipc::Message sample;
    size_t needed = 0;
    for (;;) {
        auto taken = subscription->subscription().take_fitting(sample, capacity.value, needed);
        if (taken.is_ok())
            break;
        if (taken.error() == Error::BufferTooSmall) {
            info.byte_count = static_cast<uint32_t>(needed);
            info.handle_count = 0;
            TRY(copy_to_user(io, info));
            return Error::BufferTooSmall;
        }
        if (taken.error() != Error::WouldBlock || info.timeout_ns == 0)
            return taken.error();
        auto waited = object::wait_for_signals(subscription->subscription().signal_source(), ipc::signal::readable, deadline, &caller.thread);
        if (waited.is_error() && waited.error() != Error::WouldBlock)
            return waited.error();
    }
    info.sender = sample.sender();
    info.sequence = sample.sequence();
    info.byte_count = static_cast<uint32_t>(sample.size());
    info.handle_count = 0;
    TRY(copy_to_user(bytes, sample.bytes().data(), sample.size()));
    TRY(copy_to_user(io, info));
    return info.byte_count;
}

} // namespace gehri::syscall

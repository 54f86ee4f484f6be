#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/log/Log.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

namespace {

using object::Agent;

// Thread stacks (ThreadCreate) go here: above MemoryMap's area, below the first thread's stack.
constexpr uint64_t thread_stack_area_low = 0x00007e0000000000;
constexpr uint64_t thread_stack_area_high = agent::user_stack_top - agent::max_user_stack_size - 2 * mm::page_size;

// Copies a string argument of at most `limit` bytes into `buffer`.
Result<StringView> copy_string(uint64_t address, uint64_t length, char* buffer, size_t limit)
{
    if (length > limit)
        return Error::InvalidArgument;
    TRY(copy_from_user(buffer, UserPointer<const void>(address), length));
    return StringView(buffer, length);
}

// SpawnRequest::grants, copied in and resolved to objects of the caller's (each needs Transfer).
class GrantList {
public:
    Result<void> copy_in(object::HandleTable& handles, const abi::SpawnRequest& request, HandleValue bootstrap)
    {
        if (request.grant_count == 0)
            return {};
        TRY(copy_from_user(m_wire, UserPointer<const void>(request.grants), request.grant_count * sizeof(abi::CapabilityGrant)));
        for (size_t i = 0; i < request.grant_count; ++i) {
            const abi::CapabilityGrant& wire = m_wire[i];
            if (wire.name_length == 0 || wire.name_length > abi::max_capability_name_length)
                return Error::InvalidArgument;
            // A handle moves once: to two names, or as the bootstrap too, it would be closed twice.
            if (wire.handle == bootstrap || is_listed_before(i, wire.handle))
                return Error::InvalidArgument;
            m_grants[i].name = StringView(wire.name, wire.name_length);
            m_grants[i].object = TRY(handles.get_any_with_rights(wire.handle, Rights::Transfer));
            m_grants[i].rights = TRY(handles.rights_of(wire.handle));
        }
        m_count = request.grant_count;
        return {};
    }

    Span<const agent::SpawnGrant> span() const { return { m_grants, m_count }; }

    // After a successful spawn: the handles moved to the child.
    void close_moved(object::HandleTable& handles)
    {
        for (size_t i = 0; i < m_count; ++i)
            (void)handles.close(m_wire[i].handle);
    }

private:
    bool is_listed_before(size_t index, HandleValue handle) const
    {
        for (size_t i = 0; i < index; ++i) {
            if (m_wire[i].handle == handle)
                return true;
        }
        return false;
    }

    abi::CapabilityGrant m_wire[abi::max_capability_grants];
    agent::SpawnGrant m_grants[abi::max_capability_grants];
    size_t m_count { 0 };
};

Result<const boot::Initrd*> boot_image()
{
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr)
        return Error::NotFound;
    return initrd;
}

} // namespace

Result<uint64_t> sys_spawn(Caller& caller, HandleArgument spawner, UserPointer<const abi::SpawnRequest> request_pointer)
{
    auto parent = TRY(caller.agent().handles().get_object_with_rights<Agent>(spawner.value, Rights::Spawn));
    abi::SpawnRequest request = TRY(copy_from_user(request_pointer));
    if ((request.flags & ~uint32_t(abi::SpawnFlags::All)) != 0)
        return Error::InvalidArgument;
    if (request.priority_class >= sched::priority_class_count || !sched::is_valid_weight(request.weight))
        return Error::InvalidArgument;
    uint64_t quota = request.memory_quota == 0 ? abi::default_memory_quota : request.memory_quota;
    if (quota % mm::page_size != 0)
        return Error::InvalidArgument;
    if (request.handle_capacity > object::HandleTable::max_capacity || request.grant_count > abi::max_capability_grants)
        return Error::InvalidArgument;
    size_t handle_capacity = request.handle_capacity == 0 ? object::HandleTable::default_capacity : request.handle_capacity;
    char program_buffer[abi::max_path_length];
    char name_buffer[Agent::max_name_length];
    StringView program = TRY(copy_string(request.program, request.program_length, program_buffer, sizeof(program_buffer)));
    StringView name = TRY(copy_string(request.name, request.name_length, name_buffer, sizeof(name_buffer)));
    if (program.is_empty())
        return Error::InvalidArgument;
    if (name.is_empty())
        name = program;
    const boot::Initrd* initrd = TRY(boot_image());
    // A new handle for the caller first: if its table is full, nothing has started.
    auto& handles = caller.agent().handles();
    if (handles.count() >= handles.capacity())
        return Error::OutOfHandles;
    bool may_spawn = request.flags & uint32_t(abi::SpawnFlags::MaySpawn);
    // The screen is passed on, never conjured: only a spawner holding Display may grant it.
    bool may_display = request.flags & uint32_t(abi::SpawnFlags::Display);
    if (may_display)
        TRY(handles.get_object_with_rights<Agent>(spawner.value, Rights::Display));
    RefPtr<object::KernelObject> bootstrap;
    Rights bootstrap_rights = Rights::None;
    if (request.bootstrap_handle != invalid_handle) {
        bootstrap = TRY(handles.get_any_with_rights(request.bootstrap_handle, Rights::Transfer));
        bootstrap_rights = TRY(handles.rights_of(request.bootstrap_handle));
    }
    GrantList grants;
    TRY(grants.copy_in(handles, request, bootstrap.get() != nullptr ? request.bootstrap_handle : invalid_handle));
    Diagnostic diagnostic;
    auto spawned = agent::spawn_agent_from_initrd(*initrd, program,
        {
            .name = name,
            .argument = request.argument,
            .memory_quota = quota,
            .priority_class = sched::class_at(request.priority_class),
            .weight = request.weight,
            .parent = parent.get(),
            .may_spawn = may_spawn,
            .may_display = may_display,
            .handle_capacity = handle_capacity,
            .bootstrap = bootstrap,
            .bootstrap_rights = bootstrap_rights,
            .grants = grants.span(),
        },
        diagnostic);
    if (spawned.is_error()) {
        log::debug("agent {} ({}): spawning {} refused: {}", caller.agent().id(), caller.agent().name(), program, diagnostic.message());
        return spawned.error();
    }
    Rights rights = may_spawn ? abi::spawned_agent_rights | Rights::Spawn : abi::spawned_agent_rights;
    auto handle = handles.add(spawned.value().agent, rights);
    if (handle.is_error()) {
        // Another thread filled the table meanwhile: the child must not run unnamed.
        spawned.value().agent->kill({ .reason = abi::ExitReason::Killed, .status = -1 });
        return handle.error();
    }
    // The bootstrap handle moved to the child.
    if (request.bootstrap_handle != invalid_handle)
        (void)handles.close(request.bootstrap_handle);
    grants.close_moved(handles);
    return handle.value();
}

Result<uint64_t> sys_bootstrap_take(Caller& caller, UserPointer<const char> name_pointer, Length length)
{
    char buffer[abi::max_capability_name_length];
    StringView name = TRY(copy_string(name_pointer.address(), length.value, buffer, sizeof(buffer)));
    return TRY(caller.agent().grants().take(name));
}

Result<uint64_t> sys_bootstrap_handle(Caller& caller)
{
    HandleValue handle = caller.agent().take_bootstrap_handle();
    if (handle == invalid_handle)
        return Error::NotFound;
    return handle;
}

Result<uint64_t> sys_kill(Caller& caller, HandleArgument handle, int32_t status)
{
    auto target = TRY(caller.agent().handles().get_object_with_rights<Agent>(handle.value, Rights::Kill));
    if (target->has_exited())
        return Error::NotFound;
    target->kill({ .reason = abi::ExitReason::Killed, .status = status });
    return 0;
}

Result<uint64_t> sys_wait_child(Caller& caller, uint64_t timeout_ns, UserPointer<abi::ChildExit> out)
{
    if (!is_user_range(out.address(), sizeof(abi::ChildExit)) || out.is_null())
        return Error::BadAddress;
    abi::ChildExit report = TRY(caller.agent().wait_for_child(deadline_after(timeout_ns)));
    // The report is consumed either way: a bad buffer loses it, as it would lose any output.
    TRY(copy_to_user(out, report));
    return 0;
}

Result<uint64_t> sys_thread_create(Caller& caller, uint64_t entry, uint64_t argument, uint64_t stack_size, uint64_t context)
{
    if (entry == 0 || entry >= mm::user_space_end)
        return Error::BadAddress;
    if (stack_size == 0)
        stack_size = abi::default_thread_stack_size;
    if (stack_size > abi::max_thread_stack_size)
        return Error::InvalidArgument;
    stack_size = mm::align_up(stack_size, mm::page_size);
    auto& handles = caller.agent().handles();
    if (handles.count() >= handles.capacity())
        return Error::OutOfHandles;
    auto& memory = caller.agent().memory();
    if (stack_size > memory.quota() - memory.committed_bytes())
        return Error::QuotaExceeded;
    uint64_t bottom = TRY(memory.find_free_range(stack_size, thread_stack_area_low, thread_stack_area_high));
    uint64_t top = bottom + stack_size;
    TRY(memory.reserve_demand_zero(bottom, top, mm::PageFlags::Writable | mm::PageFlags::NoExecute));
    // rsp as right after a call: the entry can be an ordinary function.
    auto thread = object::Thread::create(RefPtr<Agent>(&caller.agent()), entry, top - 8, bottom, top);
    if (thread.is_error()) {
        (void)memory.unmap_region(bottom, top);
        return thread.error();
    }
    auto handle = handles.add(thread.value(), abi::self_thread_rights);
    if (handle.is_error()) {
        (void)memory.unmap_region(bottom, top);
        return handle.error();
    }
    uint64_t arguments[4] = { argument, context, 0, 0 };
    if (auto started = thread.value()->start(arguments); started.is_error()) {
        (void)handles.close(handle.value());
        (void)memory.unmap_region(bottom, top);
        return started.error();
    }
    return handle.value();
}

Result<uint64_t> sys_thread_exit(Caller& caller)
{
    caller.thread.exit({ .reason = abi::ExitReason::Exited, .status = 0 });
}

Result<uint64_t> sys_boot_file_read(Caller& caller, HandleArgument handle, UserPointer<const char> path_pointer, Length path_length,
    uint64_t offset, UserPointer<void> buffer, Length length)
{
    TRY(caller.agent().handles().get_object_with_rights<Agent>(handle.value, Rights::Spawn));
    char path_buffer[abi::max_path_length];
    StringView path = TRY(copy_string(path_pointer.address(), path_length.value, path_buffer, sizeof(path_buffer)));
    if (!is_user_range(buffer.address(), length.value))
        return Error::BadAddress;
    const boot::Initrd* initrd = TRY(boot_image());
    ReadonlyBytes file = TRY(initrd->file(path));
    if (offset >= file.size())
        return 0;
    uint64_t count = file.size() - offset < length.value ? file.size() - offset : length.value;
    TRY(copy_to_user(buffer, file.data() + offset, count));
    return count;
}

} // namespace gehri::syscall

#include <user/libgehri/Spawn.h>

extern "C" [[noreturn]] void gehri_thread_start(void* argument, void (*function)(void*))
{
    function(argument);
    gehri::system::thread_exit();
}

namespace gehri {

Result<ChildAgent> spawn(const Handle& spawner, const SpawnOptions& options)
{
    abi::SpawnRequest request;
    request.program = reinterpret_cast<uint64_t>(options.program.characters());
    request.program_length = options.program.length();
    request.name = reinterpret_cast<uint64_t>(options.name.characters());
    request.name_length = options.name.length();
    request.argument = options.argument;
    request.memory_quota = options.memory_quota;
    request.priority_class = options.priority_class;
    request.weight = options.weight;
    request.handle_capacity = options.handle_capacity;
    request.flags = (options.may_spawn ? static_cast<uint32_t>(abi::SpawnFlags::MaySpawn) : 0)
        | (options.may_display ? static_cast<uint32_t>(abi::SpawnFlags::Display) : 0);
    request.bootstrap_handle = options.bootstrap != nullptr ? options.bootstrap->value() : invalid_handle;
    if (options.grants.size() > abi::max_capability_grants)
        return Error::InvalidArgument;
    abi::CapabilityGrant grants[abi::max_capability_grants];
    for (size_t i = 0; i < options.grants.size(); ++i) {
        StringView name = options.grants[i].name;
        if (options.grants[i].handle == nullptr || name.length() > abi::max_capability_name_length)
            return Error::InvalidArgument;
        grants[i].handle = options.grants[i].handle->value();
        grants[i].name_length = static_cast<uint32_t>(name.length());
        __builtin_memcpy(grants[i].name, name.characters(), name.length());
    }
    request.grant_count = static_cast<uint32_t>(options.grants.size());
    request.grants = reinterpret_cast<uint64_t>(grants);
    HandleValue child = TRY(system::spawn(spawner.value(), request));
    if (options.bootstrap != nullptr)
        (void)options.bootstrap->release(); // the kernel moved it to the child
    for (const SpawnGrant& grant : options.grants)
        (void)grant.handle->release();
    return ChildAgent(Handle(child));
}

Result<Handle> start_thread(void (*function)(void*), void* argument, uint64_t stack_size)
{
    auto entry = reinterpret_cast<uint64_t>(&gehri_thread_start);
    HandleValue thread = TRY(system::thread_create(entry, reinterpret_cast<uint64_t>(argument), stack_size, reinterpret_cast<uint64_t>(function)));
    return Handle(thread);
}

} // namespace gehri

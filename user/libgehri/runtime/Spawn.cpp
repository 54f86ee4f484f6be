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
    request.flags = (options.may_spawn ? static_cast<uint32_t>(abi::SpawnFlags::MaySpawn) : 0)
        | (options.may_display ? static_cast<uint32_t>(abi::SpawnFlags::Display) : 0);
    request.bootstrap_handle = options.bootstrap != nullptr ? options.bootstrap->value() : invalid_handle;
    HandleValue child = TRY(system::spawn(spawner.value(), request));
    if (options.bootstrap != nullptr)
        (void)options.bootstrap->release(); // the kernel moved it to the child
    return ChildAgent(Handle(child));
}

Result<Handle> start_thread(void (*function)(void*), void* argument, uint64_t stack_size)
{
    auto entry = reinterpret_cast<uint64_t>(&gehri_thread_start);
    HandleValue thread = TRY(system::thread_create(entry, reinterpret_cast<uint64_t>(argument), stack_size, reinterpret_cast<uint64_t>(function)));
    return Handle(thread);
}

} // namespace gehri

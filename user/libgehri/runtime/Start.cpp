#include <user/libgehri/Agent.h>
#include <user/libgehri/Log.h>

extern "C" {
using InitFunction = void (*)();
extern const InitFunction __init_array_start[];
extern const InitFunction __init_array_end[];
}

namespace gehri {

namespace {
// Also what keeps every agent's data segment non-empty (the loader refuses empty segments).
Agent* s_this_agent = nullptr;
} // namespace

Agent& this_agent() { return *s_this_agent; }

} // namespace gehri

// Called by _start (Start.S) with the kernel's start registers.
extern "C" [[noreturn]] void gehri_start(gehri::HandleValue self, gehri::HandleValue thread, uint64_t argument, uint64_t id)
{
    using namespace gehri;
    for (const InitFunction* function = __init_array_start; function != __init_array_end; ++function)
        (*function)();
    if (uint64_t version = system::abi_version(); version != abi::syscall_abi_version) {
        println("libgehri: built for syscall ABI {}, the kernel speaks {}", abi::syscall_abi_version, version);
        system::exit(-1);
    }
    Agent agent(self, thread, argument, id);
    s_this_agent = &agent; // gehri_start never returns, so the object lives as long as the agent
    system::exit(main(agent));
}

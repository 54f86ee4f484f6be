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
uint64_t s_stack_top = 0;
} // namespace

Agent& this_agent() { return *s_this_agent; }

uint64_t initial_stack_top() { return s_stack_top; }

} // namespace gehri

// Called by _start (Start.S) with the kernel's start registers.
extern "C" [[noreturn]] void gehri_start(gehri::HandleValue self, gehri::HandleValue thread, uint64_t argument, uint64_t id, uint64_t stack_top)
{
    using namespace gehri;
    s_stack_top = stack_top;
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

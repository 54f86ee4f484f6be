#pragma once

#include <kernel/boot/Initrd.h>
#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Span.h>
#include <kernel/mm/Layout.h>
#include <kernel/object/Agent.h>
#include <kernel/object/Thread.h>

// Starting an agent from an executable: the kernel's half of "agents are processes".
namespace gehri::agent {

// Where an agent's first stack lives: with an unmapped guard page under it (a stack overflow
// faults instead of running into other memory) and nothing mapped in the page above it
// either. Right above the program when that fits (first_stack_top), else below user_stack_top.
constexpr uint64_t user_stack_top = 0x00007fff00000000;
constexpr uint64_t default_user_stack_size = 64 * 1024;
constexpr uint64_t max_user_stack_size = 8 * 1024 * 1024;

// The top of the first stack (`size` bytes, page-aligned) of a program whose pages end at
// `image_end` (page-aligned): just above the program and a guard page when the stack and the
// free page above it fit in the program's last 2 MiB, below 4 GiB. There the stack shares the
// program's page tables: an agent needs four page-table pages (one per level), not seven.
// Otherwise user_stack_top.
constexpr uint64_t first_stack_top(uint64_t image_end, uint64_t size)
{
    constexpr uint64_t table_span = 2 * 1024 * 1024; // what one last-level page table maps
    constexpr uint64_t compact_limit = 4ull * 1024 * 1024 * 1024;
    if (image_end == 0 || image_end > compact_limit || size > table_span)
        return user_stack_top;
    uint64_t span_end = mm::align_down(image_end - 1, table_span) + table_span;
    uint64_t top = image_end + mm::page_size + size;
    return top + mm::page_size <= span_end && span_end <= compact_limit ? top : user_stack_top;
}

// A named handle for the new agent (BootstrapTake): how a creator hands it the capabilities
// its manifest lists ("blackboard:fire", "channel:jobs").
struct SpawnGrant {
    StringView name; // at most abi::max_capability_name_length bytes, unique per spawn
    RefPtr<object::KernelObject> object;
    Rights rights { Rights::None };
};

struct SpawnOptions {
    StringView name; // for logs and fault reports; cut to Agent::max_name_length
    uint64_t argument { 0 }; // handed to the agent's _start (rdx)
    uint64_t stack_size { default_user_stack_size };
    uint64_t memory_quota { UserAddressSpace::unlimited }; // must be set with a parent
    sched::PriorityClass priority_class { sched::PriorityClass::Normal };
    uint32_t weight { sched::default_weight };
    object::Agent* parent { nullptr }; // its supervisor (Agent.h), which pays its quota
    bool may_spawn { false }; // its handle to itself carries Rights::Spawn
    bool may_display { false }; // its handle to itself carries Rights::Display
    size_t handle_capacity { object::HandleTable::default_capacity };
    // A handle the agent finds with the BootstrapHandle call (a channel end, a topic
    // namespace): how a creator hands the first capability to a child. Null: none.
    RefPtr<object::KernelObject> bootstrap {};
    Rights bootstrap_rights { Rights::None };
    // At most abi::max_capability_grants.
    Span<const SpawnGrant> grants {};
};

struct SpawnedAgent {
    RefPtr<object::Agent> agent;
    RefPtr<object::Thread> thread;
};

// Validates `executable` (kernel/loader/Elf64.h), creates the agent, maps each loadable
// segment (copied, the rest zero-filled, permissions from the segment's flags, user
// accessible), reserves a demand-zero stack with a guard page, creates the agent's first
// thread with handles to the agent and to itself in the agent's table, and starts it. All of
// it counts against the memory quota (QuotaExceeded). On failure nothing is left behind and
// the Diagnostic says why.
Result<SpawnedAgent> spawn_agent(ReadonlyBytes executable, const SpawnOptions& options, Diagnostic& diagnostic);

// The same, for a file of the initrd ("bin/hello"). From the system's initrd (SystemInitrd.h),
// read-only segments are not copied: every agent of that file maps the same frames
// (kernel/agent/ProgramPages.h).
Result<SpawnedAgent> spawn_agent_from_initrd(const boot::Initrd& initrd, StringView path, const SpawnOptions& options, Diagnostic& diagnostic);

} // namespace gehri::agent

// What an idle agent costs (docs/agents.md, "Memory per agent"): a thousand agents blocked on
// their channels, counted by where their memory went, and all of it back once they have ended.
#include <kernel/agent/ProgramPages.h>
#include <kernel/bench/IdleAgents.h>
#include <kernel/console/Console.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

constexpr size_t idle_agents = 1000;
// The agent itself, its channel apart (docs/agents.md has the breakdown): 4 page-table pages,
// a 12 KiB kernel stack, 2 touched user pages (data, stack) and about 3 KiB of kernel objects:
// 39 KiB measured. (It was 79 KiB before the program's text was shared, the stack moved next to
// it and the handle table and region array grew on demand.)
constexpr uint64_t max_bytes_per_agent = 42 * 1024;
constexpr uint64_t max_channel_bytes = 17 * 1024;

uint64_t deadline() { return sched::kernel_scheduler().platform().now_ns() + 300'000'000'000; }

} // namespace

KERNEL_TEST(agents_a_thousand_idle_agents_fit_their_memory_budget)
{
    // Once first: heap slabs of new sizes, and a first look at the budget.
    auto warmup = bench::run_idle_agents(idle_agents, deadline());
    if (warmup.is_error()) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd: boot with the module 'initrd' (tools/make-iso --initrd)");
        return;
    }
    size_t segments_before = agent::shared_program_segment_count();
    auto run = bench::run_idle_agents(idle_agents, deadline());
    EXPECT(run.is_ok());
    if (run.is_error())
        return;
    const bench::IdleAgentsResult& result = run.value();
    EXPECT_EQ(result.started, idle_agents);
    EXPECT_EQ(result.reported, idle_agents);
    EXPECT(result.all_ended);
    uint64_t agent_bytes = result.bytes_per_agent() - result.channel_bytes_per_agent();
    EXPECT(agent_bytes <= max_bytes_per_agent);
    EXPECT(result.channel_bytes_per_agent() <= max_channel_bytes);
    // Four page-table pages each (the stack shares the program's tables).
    EXPECT(result.owner_bytes_per_agent(mm::PageOwner::PageTable) < 5 * mm::page_size);
    uint64_t stack_bytes = result.owner_bytes_per_agent(mm::PageOwner::KernelStack);
    EXPECT(stack_bytes >= object::Thread::kernel_stack_size && stack_bytes < object::Thread::kernel_stack_size + mm::page_size);
    // The program's text and rodata are shared: each agent has its data page and its stack page.
    EXPECT(result.owner_bytes_per_agent(mm::PageOwner::AgentMemory) < 3 * mm::page_size);
    // Everything is back but the kernel-half page tables for kernel-stack slots not used before
    // (slots are handed out round the whole area; those tables stay, at most 512 of them).
    size_t page_tables = static_cast<size_t>(mm::PageOwner::PageTable);
    uint64_t new_tables = result.after.pages_by_owner[page_tables] - result.before.pages_by_owner[page_tables];
    EXPECT(result.pages_not_returned() <= new_tables);
    EXPECT(new_tables <= idle_agents * mm::KernelStack::slot_size / mm::large_page_size + 2);
    // The last agent of the program took its shared pages with it.
    EXPECT_EQ(agent::shared_program_segment_count(), segments_before);
    console::print("    {} idle agents: {} bytes each (channel {} of them), {} M TSC cycles to start, kernel stack high-water {} bytes\n",
        idle_agents, result.bytes_per_agent(), result.channel_bytes_per_agent(), result.elapsed_ticks / 1'000'000,
        object::Thread::max_kernel_stack_used());
}

} // namespace gehri

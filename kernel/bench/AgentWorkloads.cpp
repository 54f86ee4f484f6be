#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/Cpu.h>
#include <kernel/bench/AgentWorkloads.h>
#include <kernel/bench/IdleAgents.h>
#include <kernel/bench/Report.h>
#include <kernel/console/Console.h>
#include <kernel/lib/Format.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/object/ChannelObject.h>
#include <kernel/object/SignalWait.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::bench {

namespace {

constexpr uint64_t budget_ns = 600'000'000'000; // guest time (instructions under -icount): generous

uint64_t deadline() { return sched::kernel_scheduler().platform().now_ns() + budget_ns; }

Result<agent::SpawnedAgent> spawn(StringView program, StringView name, uint64_t argument, agent::SpawnOptions options = {})
{
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr)
        return Error::NotFound;
    auto path = FixedString<64>::formatted("bin/{}", program);
    options.name = name;
    options.argument = argument;
    Diagnostic diagnostic;
    return agent::spawn_agent_from_initrd(*initrd, path.view(), options, diagnostic);
}

// Runs an agent that measures a workload and exits with the figure as its status.
void run_measuring_agent(StringView workload, StringView program, uint64_t argument, uint64_t operations, StringView extra)
{
    agent::SpawnOptions options;
    options.may_spawn = true;
    auto spawned = spawn(program, workload, argument, options);
    if (spawned.is_error()) {
        report_unavailable(workload, "no initrd with the benchmark agents (boot the ISO made with --initrd)");
        return;
    }
    auto info = spawned.value().agent->wait_for_exit(deadline());
    if (info.is_error() || info.value().reason != abi::ExitReason::Exited || info.value().status <= 0) {
        console::print("BENCH-ERROR name={} the measuring agent failed (status {})\n", workload, info.is_ok() ? info.value().status : -1);
        return;
    }
    // The agent divided already: report its figure as the per-operation value.
    console::print("BENCH name={} unit=instructions value={} iterations={}{}{}\n", workload, info.value().status, operations,
        extra.is_empty() ? "" : " ", extra);
}

} // namespace

void null_syscall() { run_measuring_agent("null_syscall", "bench", 1, 5000, "via=syscall-instruction"); }

void channel_rtt() { run_measuring_agent("channel_rtt", "pingpong", 2, 2000, "bytes=64 between=agents via=channel"); }

void context_switch() { run_measuring_agent("context_switch", "ipcbench", 4, 10'000, "between=agents via=yield"); }

void context_switch_threads() { run_measuring_agent("context_switch_threads", "ipcbench", 6, 10'000, "between=threads via=yield"); }

void pipe_throughput() { run_measuring_agent("pipe_throughput", "ipcbench", 7, 20'000, "bytes=64 per=message via=channel"); }

void spawn_wait() { run_measuring_agent("spawn_wait", "ipcbench", 3, 50, "via=spawn+wait_child"); }

void fanout_100() { run_measuring_agent("fanout_100", "ipcbench", 200, 100, "bytes=64 via=reliable-topic ack=topic"); }

void fanout_1000() { run_measuring_agent("fanout_1000", "ipcbench", 1100, 20, "bytes=64 via=reliable-topic ack=topic"); }

namespace {

void report_idle_agents(StringView start_name, StringView memory_name, size_t count)
{
    auto run = run_idle_agents(count, deadline());
    if (run.is_error()) {
        report_unavailable(start_name, "no initrd with the benchmark agents");
        report_unavailable(memory_name, "no initrd with the benchmark agents");
        return;
    }
    const IdleAgentsResult& result = run.value();
    if (result.reported != count) {
        console::print("BENCH-ERROR name={} only {} of {} agents started and reported (free pages {})\n", start_name, result.reported, count,
            result.blocked.free_pages);
        return;
    }
    // The total, as Linux's start_1000_processes reports it.
    console::print("BENCH name={} unit=instructions value={} iterations={} per_agent={} until=each-reported-on-its-channel ns={}\n", start_name,
        result.elapsed_ticks, count, result.elapsed_ticks / count, result.elapsed_ns);
    // Where each agent's memory went, in bytes per agent (the agent apart from its channel).
    console::print("BENCH name={} unit=KiB value={} iterations={} blocked=channel-read bytes={} channel={} page_tables={} kernel_stacks={} "
                   "agent_memory={} heap_slabs={} heap_large={} used_mib={} not_back_after_end_pages={}\n",
        memory_name, (result.bytes_per_agent() + 512) / 1024, count, result.bytes_per_agent(), result.channel_bytes_per_agent(),
        result.owner_bytes_per_agent(mm::PageOwner::PageTable), result.owner_bytes_per_agent(mm::PageOwner::KernelStack),
        result.owner_bytes_per_agent(mm::PageOwner::AgentMemory), result.owner_bytes_per_agent(mm::PageOwner::HeapSlab),
        result.owner_bytes_per_agent(mm::PageOwner::HeapLarge), (result.before.free_pages - result.blocked.free_pages) * mm::page_size / (1024 * 1024),
        result.pages_not_returned());
}

} // namespace

void start_1000_agents() { report_idle_agents("start_1000_agents", "memory_per_blocked_agent", 1000); }

void start_10000_agents() { report_idle_agents("start_10000_agents", "memory_per_blocked_agent_10000", 10000); }

} // namespace gehri::bench

#include <kernel/bench/AgentWorkloads.h>
#include <kernel/bench/Benchmarks.h>
#include <kernel/bench/Report.h>
#include <kernel/bench/SchedulerWorkloads.h>
#include <kernel/bench/Selection.h>
#include <kernel/console/Console.h>
#include <kernel/init/Version.h>

namespace gehri::bench {

namespace {

struct Workload {
    StringView name;
    void (*run)(); // null: not possible yet, for the reason below
    StringView unavailable;
};

// The workloads of bench/linux/Workloads.cpp, in the same order, then Gehri's own.
constexpr Workload s_workloads[] = {
    { "null_syscall", null_syscall, {} },
    { "pipe_rtt", nullptr, "Gehri has no pipes: see channel_rtt" },
    { "futex_rtt", nullptr, "Gehri has no futex: see channel_rtt" },
    { "futex_rtt_processes", nullptr, "Gehri has no futex: see channel_rtt" },
    { "unix_socket_rtt", nullptr, "Gehri has no sockets: see channel_rtt" },
    { "context_switch", context_switch, {} },
    { "context_switch_threads", context_switch_threads, {} },
    { "pipe_throughput", pipe_throughput, {} },
    { "spawn_wait", spawn_wait, {} },
    { "fanout_100", fanout_100, {} },
    { "fanout_1000", fanout_1000, {} },
    { "memory_per_blocked_process", nullptr, "see memory_per_blocked_agent (measured with start_1000_agents)" },
    { "start_1000_processes", nullptr, "see start_1000_agents" },
    { "kernel_thread_switch", kernel_thread_switch, {} },
    { "kernel_waitqueue_rtt", kernel_waitqueue_rtt, {} },
    { "channel_rtt", channel_rtt, {} },
    { "start_1000_agents", start_1000_agents, {} },
    { "start_10000_agents", start_10000_agents, {} },
};

} // namespace

bool run_benchmarks(StringView selection)
{
    console::print("BENCH-SYSTEM os=Gehri release={} unit=instructions selection={}\n", version_string, selection);
    size_t selected = 0;
    for (const Workload& workload : s_workloads) {
        if (!is_selected(selection, workload.name))
            continue;
        ++selected;
        if (workload.run)
            workload.run();
        else
            report_unavailable(workload.name, workload.unavailable);
    }
    console::print("BENCH-DONE\n");
    return selected > 0;
}

} // namespace gehri::bench

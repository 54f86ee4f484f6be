#include <kernel/bench/Benchmarks.h>
#include <kernel/bench/Report.h>
#include <kernel/bench/SchedulerWorkloads.h>
#include <kernel/bench/Selection.h>
#include <kernel/console/Console.h>
#include <kernel/init/Version.h>

namespace gehri::bench {

namespace {

constexpr StringView needs_user_mode = "needs user mode: system calls, processes and channels (branch agents)";

struct Workload {
    StringView name;
    void (*run)(); // null: not possible yet, for the reason below
    StringView unavailable;
};

// The workloads of bench/linux/Workloads.cpp, in the same order, then Gehri's own.
constexpr Workload s_workloads[] = {
    { "null_syscall", nullptr, needs_user_mode },
    { "pipe_rtt", nullptr, needs_user_mode },
    { "futex_rtt", nullptr, needs_user_mode },
    { "futex_rtt_processes", nullptr, needs_user_mode },
    { "unix_socket_rtt", nullptr, needs_user_mode },
    { "context_switch", nullptr, "needs user processes (branch agents)" },
    { "context_switch_threads", nullptr, "needs user threads (branch agents); see kernel_thread_switch" },
    { "pipe_throughput", nullptr, needs_user_mode },
    { "spawn_wait", nullptr, needs_user_mode },
    { "fanout_100", nullptr, needs_user_mode },
    { "fanout_1000", nullptr, needs_user_mode },
    { "memory_per_blocked_process", nullptr, "needs user processes (branch agents)" },
    { "start_1000_processes", nullptr, "needs user processes (branch agents)" },
    { "kernel_thread_switch", kernel_thread_switch, {} },
    { "kernel_waitqueue_rtt", kernel_waitqueue_rtt, {} },
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

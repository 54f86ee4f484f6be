#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/Cpu.h>
#include <kernel/bench/AgentWorkloads.h>
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

void spawn_wait() { run_measuring_agent("spawn_wait", "ipcbench", 3, 50, "via=spawn+wait_child"); }

void fanout_100() { run_measuring_agent("fanout_100", "ipcbench", 200, 100, "bytes=64 via=reliable-topic ack=topic"); }

void fanout_1000() { run_measuring_agent("fanout_1000", "ipcbench", 1100, 20, "bytes=64 via=reliable-topic ack=topic"); }

void start_1000_agents()
{
    constexpr size_t count = 1000;
    if (agent::system_initrd() == nullptr) {
        report_unavailable("start_1000_agents", "no initrd with the benchmark agents");
        report_unavailable("memory_per_blocked_agent", "no initrd with the benchmark agents");
        return;
    }
    // The kernel keeps one end of each agent's channel: the agent reports on it, then blocks
    // reading it until that end closes.
    auto* ends = new (std::nothrow) RefPtr<object::ChannelEndpointObject>[count];
    if (ends == nullptr) {
        console::print("BENCH-ERROR name=start_1000_agents out of memory\n");
        return;
    }
    size_t agents_before = object::Agent::live_count();
    mm::Heap::the().release_empty_slabs();
    uint64_t free_before = mm::PhysicalMemory::the().free_pages();
    uint64_t start = arch::read_timestamp_counter();
    size_t started = 0;
    for (; started < count; ++started) {
        auto pair = object::ChannelEndpointObject::create_pair();
        if (pair.is_error())
            break;
        ends[started] = std::move(pair.value().first);
        agent::SpawnOptions options;
        options.memory_quota = 128 * 1024;
        options.bootstrap = std::move(pair.value().second);
        options.bootstrap_rights = abi::channel_rights;
        auto spawned = spawn("ipcbench", "idle", 2, std::move(options));
        if (spawned.is_error()) {
            ends[started] = nullptr;
            break;
        }
    }
    size_t reported = 0;
    for (size_t i = 0; i < started; ++i) {
        ipc::Message message;
        if (object::wait_for_signals(ends[i]->endpoint().signal_source(), ipc::signal::readable, deadline(), nullptr).is_ok()
            && ends[i]->endpoint().read(message).is_ok())
            ++reported;
    }
    uint64_t elapsed = arch::read_timestamp_counter() - start;
    uint64_t free_blocked = mm::PhysicalMemory::the().free_pages();
    if (reported == count) {
        // The total, as Linux's start_1000_processes reports it.
        console::print("BENCH name=start_1000_agents unit=instructions value={} iterations={} per_agent={} until=each-reported-on-its-channel\n",
            elapsed, count, elapsed / count);
        console::print("BENCH name=memory_per_blocked_agent unit=KiB value={} iterations={} blocked=channel-read\n",
            (free_before - free_blocked) * 4 / count, count);
    } else {
        console::print("BENCH-ERROR name=start_1000_agents only {} of {} agents started and reported\n", reported, count);
    }
    // Closing the kernel's ends ends every agent (their reads return PeerClosed).
    delete[] ends;
    while (object::Agent::live_count() > agents_before && sched::kernel_scheduler().platform().now_ns() < deadline())
        sched::kernel_scheduler().sleep_for(1'000'000);
}

} // namespace gehri::bench

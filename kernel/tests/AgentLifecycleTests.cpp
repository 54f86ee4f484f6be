// Agents as processes: a kill reaches a thread wherever it blocks, at once. Run with
// gehri.test=agents (part of gehri.test=all).
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/log/Log.h>
#include <kernel/object/ChannelObject.h>
#include <kernel/object/SignalWait.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using abi::ExitReason;

constexpr uint64_t wait_budget_ns = 30'000'000'000;
// Far below the 10 ms the killable waits used to poll at: only a wake-up gets there.
constexpr uint64_t kill_latency_bound_ns = 2'000'000;

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

Result<agent::SpawnedAgent> spawn_blocked(StringView program, StringView name, uint64_t argument, RefPtr<object::KernelObject> bootstrap = {})
{
    if (agent::system_initrd() == nullptr) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd");
        return Error::NotFound;
    }
    agent::SpawnOptions options { .name = name, .argument = argument };
    if (bootstrap) {
        options.bootstrap = std::move(bootstrap);
        options.bootstrap_rights = abi::channel_rights;
    }
    Diagnostic diagnostic;
    auto path = FixedString<64>::formatted("bin/{}", program);
    auto spawned = agent::spawn_agent_from_initrd(*agent::system_initrd(), path.view(), options, diagnostic);
    if (spawned.is_error())
        ktest::record_failure_formatted(__FILE__, __LINE__, "spawning {}: {}", program, diagnostic.message());
    return spawned;
}

// Kills `target` (blocked in the kernel by now) and returns how long until it was reaped and
// its waiters told; 0 on failure. The kill's console line is held back meanwhile: it costs
// milliseconds of framebuffer scrolling under TCG, which would hide what is measured.
uint64_t kill_and_time_reaping(object::Agent& target)
{
    EXPECT(!target.has_exited());
    log::Level saved_level = log::level();
    log::set_level(log::Level::Warning);
    uint64_t start = now_ns();
    target.kill({ .reason = ExitReason::Killed, .status = -9 });
    auto info = target.wait_for_exit(start + wait_budget_ns);
    uint64_t elapsed = now_ns() - start;
    log::set_level(saved_level);
    EXPECT(info.is_ok() && info.value().reason == ExitReason::Killed && info.value().status == -9);
    return info.is_ok() ? elapsed : 0;
}

uint64_t median_of_three(uint64_t a, uint64_t b, uint64_t c)
{
    if ((a <= b && b <= c) || (c <= b && b <= a))
        return b;
    if ((b <= a && a <= c) || (c <= a && a <= b))
        return a;
    return c;
}

// Three kills (guest time under TCG is host time, and the host is shared): the median must
// be far below the old polling interval. A 0 means a trial failed (already recorded).
template<typename Trial>
void expect_prompt_kills(StringView what, Trial trial)
{
    uint64_t times[3];
    for (auto& time : times)
        time = trial();
    uint64_t median = median_of_three(times[0], times[1], times[2]);
    log::info("kill latency ({}): {} / {} / {} us, median {} us", what, times[0] / 1000, times[1] / 1000, times[2] / 1000, median / 1000);
    if (median >= kill_latency_bound_ns)
        ktest::record_failure_formatted(__FILE__, __LINE__, "{}: killed and reaped after {} ns (median; bound {} ns)", what, median, kill_latency_bound_ns);
}

uint64_t kill_sleeping_ticker()
{
    // The ticker sleeps for 10 s between beats.
    auto spawned = spawn_blocked("ticker", "ticker-latency", 0);
    if (spawned.is_error())
        return 0;
    sched::kernel_scheduler().sleep_for(5'000'000);
    return kill_and_time_reaping(*spawned.value().agent);
}

uint64_t kill_unanswered_caller()
{
    // pingpong argument 3: a ChannelCall without a timeout on its bootstrap channel, whose
    // other end the test holds and never answers.
    auto pair = object::ChannelEndpointObject::create_pair();
    EXPECT(pair.is_ok());
    if (pair.is_error())
        return 0;
    auto spawned = spawn_blocked("pingpong", "pingpong-latency", 3, std::move(pair.value().second));
    if (spawned.is_error())
        return 0;
    auto& end = pair.value().first->endpoint();
    EXPECT(object::wait_for_signals(end.signal_source(), ipc::signal::readable, now_ns() + wait_budget_ns, nullptr).is_ok());
    sched::kernel_scheduler().sleep_for(5'000'000); // well inside its wait for the answer
    return kill_and_time_reaping(*spawned.value().agent);
}

} // namespace

KERNEL_TEST(agents_kill_latency_is_immediate_in_sleep) { expect_prompt_kills("Sleep", kill_sleeping_ticker); }

KERNEL_TEST(agents_kill_latency_is_immediate_in_channel_call) { expect_prompt_kills("ChannelCall", kill_unanswered_caller); }

} // namespace gehri

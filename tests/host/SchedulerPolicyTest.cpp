// The scheduling policy on simulated CPUs with simulated time: cross-class guarantees,
// weighted sharing inside a class, preemption, sleeping and waking. Threads are records that
// "run" whenever they are current; the tests act as a thread by calling the scheduler while
// that thread is current.
#include <algorithm>
#include <gtest/gtest.h>
#include <kernel/sched/Policy.h>
#include <random>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri;
using namespace gehri::sched;
using namespace gehri::sched::testing;

namespace {

double share_of(uint64_t part, uint64_t total) { return static_cast<double>(part) / static_cast<double>(total); }

// Runs for `duration` in 1 ms ticks and returns, per thread, the least CPU time it received in
// any sliding window of `window` (measured at tick resolution).
std::vector<uint64_t> worst_window_cpu_time(Simulation& sim, const std::vector<Thread*>& threads, uint64_t duration, uint64_t window, uint64_t tick = 1_ms)
{
    std::vector<std::vector<uint64_t>> samples(threads.size());
    for (uint64_t t = 0; t < duration; t += tick) {
        sim.run_for(tick, tick);
        for (size_t i = 0; i < threads.size(); ++i)
            samples[i].push_back(threads[i]->cpu_time_ns());
    }
    size_t span = window / tick;
    std::vector<uint64_t> worst(threads.size(), ~uint64_t(0));
    for (size_t i = 0; i < threads.size(); ++i) {
        for (size_t t = span; t < samples[i].size(); ++t)
            worst[i] = std::min(worst[i], samples[i][t] - samples[i][t - span]);
    }
    return worst;
}

uint64_t reserve_of(PriorityClass priority_class, uint64_t window)
{
    return window * policy::reserved_share_permille[index_of(priority_class)] / 1000;
}

} // namespace

// --- Across classes -----------------------------------------------------------------------

TEST(SchedulerPolicy, EmergencyHogLeavesNormalAndBatchTheirGuaranteedShares)
{
    Simulation sim;
    Thread& emergency = sim.spawn("hog", PriorityClass::Emergency);
    Thread& normal = sim.spawn("normal", PriorityClass::Normal);
    Thread& batch = sim.spawn("batch", PriorityClass::Batch);
    // The first window includes the grace before a starved class is promoted.
    sim.run_for(policy::share_window_ns);
    auto before = cpu_times({ &emergency, &normal, &batch });
    auto worst = worst_window_cpu_time(sim, { &emergency, &normal, &batch }, 10'000_ms, policy::share_window_ns);
    auto after = cpu_times({ &emergency, &normal, &batch });
    uint64_t total = 10'000_ms;
    ASSERT_EQ((after[0] - before[0]) + (after[1] - before[1]) + (after[2] - before[2]), total);

    // Long run: at least the reserved share, and the hog keeps everything else.
    EXPECT_GE(share_of(after[1] - before[1], total), 0.100 - 0.002);
    EXPECT_GE(share_of(after[2] - before[2], total), 0.050 - 0.002);
    EXPECT_GE(share_of(after[0] - before[0], total), 0.850 - 0.005);
    // Every sliding window: the documented bound (reserve - grace - one tick)...
    uint64_t slack = policy::starvation_grace_ns + 1_ms;
    EXPECT_GE(worst[1], reserve_of(PriorityClass::Normal, policy::share_window_ns) - slack);
    EXPECT_GE(worst[2], reserve_of(PriorityClass::Batch, policy::share_window_ns) - slack);
    // ...and what the simulation actually measures: the full reserve, in every window.
    EXPECT_EQ(worst[1], reserve_of(PriorityClass::Normal, policy::share_window_ns));
    EXPECT_EQ(worst[2], reserve_of(PriorityClass::Batch, policy::share_window_ns));
}

TEST(SchedulerPolicy, EveryClassGetsItsReserveWhenAllFourHog)
{
    Simulation sim;
    Thread& emergency = sim.spawn("e", PriorityClass::Emergency);
    Thread& interactive = sim.spawn("i", PriorityClass::Interactive);
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    sim.run_for(policy::share_window_ns);
    std::vector<Thread*> threads { &emergency, &interactive, &normal, &batch };
    auto before = cpu_times(threads);
    sim.run_for(10'000_ms);
    auto after = cpu_times(threads);
    double total = 10'000_ms;
    EXPECT_GE((after[1] - before[1]) / total, 0.100 - 0.002);
    EXPECT_GE((after[2] - before[2]) / total, 0.100 - 0.002);
    EXPECT_GE((after[3] - before[3]) / total, 0.050 - 0.002);
    // Emergency's implicit cap: 1 - (10% + 10% + 5%).
    EXPECT_GE((after[0] - before[0]) / total, 0.750 - 0.005);
    EXPECT_LE((after[0] - before[0]) / total, 0.750 + 0.005);
}

TEST(SchedulerPolicy, NormalHogCannotStarveBatchWithCoarseTicks)
{
    // A 4 ms tick (250 Hz): the guarantee holds at whatever rate the timer runs; a promoted
    // class may overshoot its reserve by up to a tick per window, since it is demoted at a tick.
    constexpr uint64_t tick = 4_ms;
    Simulation sim;
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    sim.run_for(policy::share_window_ns, tick);
    auto before = cpu_times({ &normal, &batch });
    auto worst = worst_window_cpu_time(sim, { &normal, &batch }, 8'000_ms, policy::share_window_ns, tick);
    auto after = cpu_times({ &normal, &batch });
    double batch_share = share_of(after[1] - before[1], 8'000_ms);
    EXPECT_GE(batch_share, 0.050 - 0.002);
    EXPECT_LE(batch_share, 0.050 + share_of(tick, policy::share_window_ns));
    EXPECT_GE(share_of(after[0] - before[0], 8'000_ms), 0.950 - share_of(tick, policy::share_window_ns));
    EXPECT_GE(static_cast<int64_t>(worst[1]), static_cast<int64_t>(reserve_of(PriorityClass::Batch, policy::share_window_ns) - policy::starvation_grace_ns));
}

TEST(SchedulerPolicy, HighestRunnableClassRunsAloneWhenNobodyIsOwed)
{
    Simulation sim;
    Thread& interactive = sim.spawn("i", PriorityClass::Interactive);
    sim.run_for(500_ms);
    EXPECT_EQ(interactive.cpu_time_ns(), 500_ms);
    // A batch thread that just arrived waits: it is not owed anything yet.
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    sim.run_for(20_ms);
    EXPECT_EQ(batch.cpu_time_ns(), 0u);
    EXPECT_EQ(sim.current(), &interactive);
}

// An Emergency thread that works in bursts (5 ms on, 5 ms asleep) is not a runaway: the
// Normal thread beside it is never promoted over it, and each of its wake-ups preempts at once.
TEST(SchedulerPolicy, BurstyEmergencyWorkIsNeverDelayed)
{
    Simulation sim;
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& emergency = sim.spawn("e", PriorityClass::Emergency);
    uint64_t burst_started = 0;
    size_t wakeups = 0;
    size_t delayed_wakeups = 0;
    for (int step = 0; step < 10'000; ++step) {
        sim.platform.time_ns += 1_ms;
        if (sim.current() == &emergency && sim.platform.time_ns - burst_started >= 5_ms)
            sim.scheduler.sleep_for(5_ms);
        bool was_sleeping = emergency.state() == ThreadState::Sleeping;
        sim.tick_all();
        if (was_sleeping && emergency.state() != ThreadState::Sleeping) {
            ++wakeups;
            burst_started = sim.platform.time_ns;
            if (sim.current() != &emergency)
                ++delayed_wakeups;
        }
        EXPECT_FALSE(sim.scheduler.run_queue(0).share_window().is_promoted(PriorityClass::Normal));
    }
    EXPECT_GT(wakeups, 900u);
    EXPECT_EQ(delayed_wakeups, 0u);
    EXPECT_NEAR(share_of(emergency.cpu_time_ns(), 10'000_ms), 0.5, 0.01);
    EXPECT_NEAR(share_of(normal.cpu_time_ns(), 10'000_ms), 0.5, 0.01);
}

namespace {

struct RequestStats {
    size_t served { 0 };
    size_t delayed { 0 };
    uint64_t worst_delay { 0 };
};

// An Emergency thread serving requests: every `period` a request wakes it, it works for
// `work`, then waits for the next one. Measures how long each wake-up waited for the CPU.
RequestStats serve_emergency_requests(Simulation& sim, Thread& emergency, WaitQueue& requests, uint64_t period, uint64_t work, uint64_t duration)
{
    RequestStats stats;
    uint64_t woken_at = 0;
    uint64_t started_at = 0;
    bool waiting_for_cpu = false;
    bool working = false;
    for (uint64_t time = 1_ms; time <= duration; time += 1_ms) {
        sim.platform.time_ns += 1_ms;
        if (working && sim.current() == &emergency && sim.platform.time_ns - started_at >= work) {
            sim.scheduler.finish_wait(requests);
            sim.scheduler.block_on(requests);
            working = false;
            ++stats.served;
        }
        if (time % period == 0 && emergency.state() == ThreadState::Blocked) {
            sim.scheduler.wake_one(requests);
            woken_at = started_at = sim.platform.time_ns;
            working = true;
            waiting_for_cpu = sim.current() != &emergency;
            stats.delayed += waiting_for_cpu;
        }
        sim.tick_all();
        if (waiting_for_cpu && sim.current() == &emergency) {
            stats.worst_delay = std::max(stats.worst_delay, sim.platform.time_ns - woken_at);
            started_at = sim.platform.time_ns;
            waiting_for_cpu = false;
        }
    }
    return stats;
}

} // namespace

// Overload below Emergency (an Interactive hog starving Normal and Batch, which are paid their
// reserves): Emergency requests using ~14% of the CPU are within its budget and are served at
// once, every time; the reserves are paid from Interactive's time.
TEST(SchedulerPolicy, EmergencyWithinItsBudgetIsNeverDelayed)
{
    Simulation sim;
    WaitQueue requests;
    Thread& emergency = sim.spawn("e", PriorityClass::Emergency);
    sim.scheduler.block_on(requests);
    Thread& interactive = sim.spawn("i", PriorityClass::Interactive);
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    // Every 7 ms (never in phase with the 10 ms buckets), 1 ms of work.
    RequestStats stats = serve_emergency_requests(sim, emergency, requests, 7_ms, 1_ms, 20'000_ms);
    EXPECT_GT(stats.served, 2800u);
    EXPECT_EQ(stats.delayed, 0u);
    EXPECT_GE(share_of(normal.cpu_time_ns(), 20'000_ms), 0.100 - 0.002);
    EXPECT_GE(share_of(batch.cpu_time_ns(), 20'000_ms), 0.050 - 0.002);
    EXPECT_GT(share_of(interactive.cpu_time_ns(), 20'000_ms), 0.6);
}

// A runaway: Emergency requests that keep it busy ~70% of the time, beyond its 50% budget,
// next to hungry Normal and Batch threads. The reserves are paid, and an Emergency wake-up
// waits at most for the payments in progress: grace / (1 - share) + one tick per owed class.
TEST(SchedulerPolicy, RunawayEmergencyWaitsAtMostOnePaymentPerOwedClass)
{
    Simulation sim;
    WaitQueue requests;
    Thread& emergency = sim.spawn("e", PriorityClass::Emergency);
    sim.scheduler.block_on(requests);
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    RequestStats stats = serve_emergency_requests(sim, emergency, requests, 7_ms, 5_ms, 20'000_ms);
    EXPECT_GT(stats.served, 2000u);
    EXPECT_GT(stats.delayed, 0u);
    uint64_t payment = policy::starvation_grace_ns * 1000 / (1000 - policy::reserved_share_permille[index_of(PriorityClass::Batch)]) + 1_ms;
    EXPECT_LE(stats.worst_delay, 2 * payment);
    EXPECT_GE(share_of(normal.cpu_time_ns(), 20'000_ms), 0.100 - 0.002);
    EXPECT_GE(share_of(batch.cpu_time_ns(), 20'000_ms), 0.050 - 0.002);
    std::printf("[ sched    ] runaway Emergency: %zu of %zu requests waited, worst %.1f ms\n", stats.delayed, stats.served, static_cast<double>(stats.worst_delay) / 1e6);
}

// --- Within a class -----------------------------------------------------------------------

namespace {

void expect_proportional_shares(PriorityClass priority_class, std::vector<uint32_t> weights, uint64_t tick)
{
    Simulation sim;
    std::vector<Thread*> threads;
    uint64_t weight_sum = 0;
    for (uint32_t weight : weights) {
        threads.push_back(&sim.spawn("w", priority_class, weight));
        weight_sum += weight;
    }
    sim.run_for(10'000_ms, tick);
    uint64_t total = 0;
    for (Thread* thread : threads)
        total += thread->cpu_time_ns();
    ASSERT_EQ(total, 10'000_ms);
    for (size_t i = 0; i < threads.size(); ++i) {
        double expected = static_cast<double>(weights[i]) / static_cast<double>(weight_sum);
        double actual = share_of(threads[i]->cpu_time_ns(), total);
        EXPECT_NEAR(actual, expected, expected * 0.05) << "weight " << weights[i];
    }
}

} // namespace

TEST(SchedulerPolicy, WeightsOneTwoFourGiveSharesOfOneTwoFourSevenths)
{
    expect_proportional_shares(PriorityClass::Normal, { 1024, 2048, 4096 }, 1_ms);
    expect_proportional_shares(PriorityClass::Batch, { 1, 2, 4 }, 1_ms);
    expect_proportional_shares(PriorityClass::Interactive, { 1000, 2000, 4000 }, 4_ms);
}

TEST(SchedulerPolicy, SetWeightChangesSharesWithoutRestartingTheThread)
{
    Simulation sim;
    std::vector<Thread*> threads { &sim.spawn("a"), &sim.spawn("b"), &sim.spawn("c") };
    sim.run_for(3'000_ms);
    for (Thread* thread : threads)
        EXPECT_NEAR(share_of(thread->cpu_time_ns(), 3'000_ms), 1.0 / 3, 0.05 / 3);

    // Reweight whichever thread is on the CPU right now: it keeps running, with a new rate.
    Thread& favored = *sim.current();
    ThreadId favored_id = favored.id();
    ASSERT_TRUE(sim.scheduler.set_weight(favored, 4 * default_weight).is_ok());
    EXPECT_EQ(sim.current(), &favored);
    EXPECT_EQ(favored.id(), favored_id);
    auto before = cpu_times(threads);
    sim.run_for(6'000_ms);
    auto after = cpu_times(threads);
    for (size_t i = 0; i < threads.size(); ++i) {
        double expected = threads[i] == &favored ? 4.0 / 6 : 1.0 / 6;
        EXPECT_NEAR(share_of(after[i] - before[i], 6'000_ms), expected, expected * 0.05);
    }

    // And a queued thread's weight, lowered below everyone else's.
    Thread& demoted = *(threads[0] == &favored ? threads[1] : threads[0]);
    ASSERT_TRUE(sim.scheduler.set_weight(demoted, default_weight / 2).is_ok());
    before = cpu_times(threads);
    sim.run_for(6'000_ms);
    after = cpu_times(threads);
    // Weights now 4 : 1 : 0.5 (favored, other, demoted) of 5.5.
    for (size_t i = 0; i < threads.size(); ++i) {
        double expected = threads[i] == &favored ? 4.0 / 5.5 : threads[i] == &demoted ? 0.5 / 5.5 : 1.0 / 5.5;
        EXPECT_NEAR(share_of(after[i] - before[i], 6'000_ms), expected, expected * 0.05);
    }
}

TEST(SchedulerPolicy, RejectsBadWeightsAndClasses)
{
    Simulation sim;
    Thread& thread = sim.spawn("t");
    EXPECT_EQ(sim.scheduler.set_weight(thread, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(sim.scheduler.set_weight(thread, max_weight + 1).error(), Error::InvalidArgument);
    EXPECT_EQ(sim.scheduler.set_priority_class(thread, static_cast<PriorityClass>(7)).error(), Error::InvalidArgument);
    EXPECT_EQ(thread.weight(), default_weight);
    Thread& bad = sim.make_thread("bad", PriorityClass::Normal, 0);
    EXPECT_EQ(sim.scheduler.start(bad).error(), Error::InvalidArgument);
    EXPECT_EQ(sim.scheduler.start(thread).error(), Error::InvalidArgument); // already started
    Thread& offline = sim.make_thread("offline", PriorityClass::Normal, default_weight, CpuMask::only(5));
    EXPECT_EQ(sim.scheduler.start(offline).error(), Error::InvalidArgument);
    EXPECT_EQ(offline.state(), ThreadState::Created);
}

// --- Preemption ---------------------------------------------------------------------------

TEST(SchedulerPolicy, EmergencyWakeupPreemptsAtOnce)
{
    Simulation sim;
    WaitQueue queue;
    Thread& emergency = sim.spawn("e", PriorityClass::Emergency);
    ASSERT_EQ(sim.current(), &emergency);
    sim.scheduler.block_on(queue); // the emergency thread waits for its request
    Thread& normal = sim.spawn("n", PriorityClass::Normal);
    Thread& batch = sim.spawn("b", PriorityClass::Batch);
    sim.run_for(50_ms);
    ASSERT_EQ(sim.current(), &normal);
    EXPECT_EQ(emergency.state(), ThreadState::Blocked);

    // A request arrives (from the normal thread, or an interrupt): no time passes, no tick.
    uint64_t switches_before = sim.platform.switches;
    EXPECT_EQ(sim.scheduler.wake_one(queue), 1u);
    EXPECT_EQ(sim.current(), &emergency);
    EXPECT_EQ(emergency.state(), ThreadState::Running);
    EXPECT_EQ(normal.state(), ThreadState::Runnable);
    EXPECT_EQ(sim.platform.switches, switches_before + 1);
    EXPECT_EQ(sim.scheduler.finish_wait(queue), WakeReason::Woken);
    (void)batch;

    // From an interrupt handler (interrupts off) the wake only flags the CPU; the handler's
    // exit path does the switch.
    sim.scheduler.block_on(queue);
    ASSERT_EQ(sim.current(), &normal);
    arch::disable_interrupts();
    sim.scheduler.wake_one(queue);
    EXPECT_EQ(sim.current(), &normal);
    EXPECT_TRUE(sim.scheduler.needs_reschedule(0));
    sim.scheduler.preempt_if_needed();
    arch::enable_interrupts();
    EXPECT_EQ(sim.current(), &emergency);
}

TEST(SchedulerPolicy, SameClassWakeupPreemptsOnlyWhenClearlyBehind)
{
    Simulation sim;
    WaitQueue queue;
    Thread& sleeper = sim.spawn("sleeper");
    sim.scheduler.block_on(queue);
    Thread& runner = sim.spawn("runner");
    ASSERT_EQ(sim.current(), &runner);

    // The runner is only 1 ms ahead in virtual time: waking the sleeper does not preempt
    // (wakeup_granularity), it waits for the runner's slice to end.
    sim.run_for(1_ms);
    sim.scheduler.wake_one(queue);
    EXPECT_EQ(sim.current(), &runner);
    EXPECT_EQ(sleeper.state(), ThreadState::Runnable);
    sim.run_for(policy::target_latency_ns / 2 - 1_ms); // the runner's slice: half the latency
    ASSERT_EQ(sim.current(), &sleeper);
    EXPECT_EQ(sim.scheduler.finish_wait(queue), WakeReason::Woken);
    sim.scheduler.block_on(queue);

    // After the runner has been alone for 50 ms the sleeper is far behind (it is credited at
    // most sleeper_credit, not the whole 50 ms): now the wake-up preempts at once...
    sim.run_for(50_ms);
    ASSERT_EQ(sim.current(), &runner);
    sim.scheduler.wake_one(queue);
    EXPECT_EQ(sim.current(), &sleeper);
    EXPECT_EQ(sim.scheduler.finish_wait(queue), WakeReason::Woken);
    // ...and the credit is bounded: the sleeper runs about sleeper_credit ahead of its share,
    // not 50 ms.
    uint64_t sleeper_before = sleeper.cpu_time_ns();
    uint64_t runner_before = runner.cpu_time_ns();
    sim.run_for(40_ms);
    int64_t advantage = static_cast<int64_t>(sleeper.cpu_time_ns() - sleeper_before) - static_cast<int64_t>(runner.cpu_time_ns() - runner_before);
    EXPECT_LE(advantage, static_cast<int64_t>(policy::sleeper_credit_ns + policy::target_latency_ns));
}

TEST(SchedulerPolicy, ClassChangeAtRunTimePreempts)
{
    Simulation sim;
    Thread& a = sim.spawn("a");
    Thread& b = sim.spawn("b");
    sim.run_for(10_ms);
    Thread& waiting = sim.current() == &a ? b : a;
    ASSERT_EQ(waiting.state(), ThreadState::Runnable);
    ASSERT_TRUE(sim.scheduler.set_priority_class(waiting, PriorityClass::Emergency).is_ok());
    EXPECT_EQ(sim.current(), &waiting);
    EXPECT_EQ(waiting.priority_class(), PriorityClass::Emergency);
    // Demoting the running thread below the other hands the CPU back at the next tick.
    ASSERT_TRUE(sim.scheduler.set_priority_class(waiting, PriorityClass::Batch).is_ok());
    sim.run_for(1_ms);
    EXPECT_NE(sim.current(), &waiting);
}

TEST(SchedulerPolicy, YieldGoesToAPeerButNotToALowerClass)
{
    Simulation sim;
    Thread& first = sim.spawn("first");
    Thread& second = sim.spawn("second");
    Thread& batch = sim.spawn("batch", PriorityClass::Batch);
    ASSERT_EQ(sim.current(), &first);
    sim.scheduler.yield();
    EXPECT_EQ(sim.current(), &second);
    sim.scheduler.yield();
    EXPECT_EQ(sim.current(), &first);
    sim.scheduler.exit(); // first
    EXPECT_EQ(sim.current(), &second);
    sim.scheduler.yield(); // only batch is left besides it, and batch is not owed anything
    EXPECT_EQ(sim.current(), &second);
    EXPECT_EQ(batch.state(), ThreadState::Runnable);
}

// --- Sleeping and waiting -----------------------------------------------------------------

TEST(SchedulerPolicy, SleepersWakeInDeadlineOrderAtTheirDeadlines)
{
    Simulation sim;
    std::mt19937_64 random(7);
    constexpr size_t count = 40;
    std::vector<Thread*> threads;
    for (size_t i = 0; i < count; ++i)
        threads.push_back(&sim.spawn("sleeper"));
    // Each thread, when it gets the CPU, goes to sleep for a random time.
    std::vector<uint64_t> deadline(count);
    for (size_t slept = 0; slept < count; ++slept) {
        Thread* current = sim.current();
        size_t index = static_cast<size_t>(std::find(threads.begin(), threads.end(), current) - threads.begin());
        ASSERT_LT(index, count);
        deadline[index] = sim.platform.time_ns + 1_ms + random() % 50'000'000;
        sim.scheduler.sleep_until(deadline[index]);
    }
    EXPECT_TRUE(sim.is_idle());
    EXPECT_EQ(sim.scheduler.next_deadline(), *std::min_element(deadline.begin(), deadline.end()));

    // Tickless, as a one-shot timer would drive it: jump to each next deadline in turn.
    std::vector<size_t> wake_order;
    std::vector<bool> awake(count, false);
    while (wake_order.size() < count) {
        uint64_t next = sim.scheduler.next_deadline();
        ASSERT_NE(next, Scheduler::no_deadline);
        ASSERT_GT(next, sim.platform.time_ns);
        // Just before the deadline nothing new wakes...
        sim.platform.time_ns = next - 1;
        sim.tick_all();
        for (size_t i = 0; i < count; ++i)
            EXPECT_EQ(threads[i]->state() != ThreadState::Sleeping, awake[i]) << "thread " << i << " woke early";
        // ...and at it, exactly the threads due then.
        sim.platform.time_ns = next;
        sim.tick_all();
        for (size_t i = 0; i < count; ++i) {
            bool due = deadline[i] <= next;
            EXPECT_EQ(threads[i]->state() != ThreadState::Sleeping, due) << "thread " << i;
            if (due && !awake[i]) {
                awake[i] = true;
                wake_order.push_back(i);
                EXPECT_EQ(deadline[i], next);
                EXPECT_EQ(threads[i]->wake_reason(), WakeReason::TimedOut);
            }
        }
    }
    EXPECT_EQ(sim.scheduler.next_deadline(), Scheduler::no_deadline);
    for (size_t i = 1; i < count; ++i)
        EXPECT_LE(deadline[wake_order[i - 1]], deadline[wake_order[i]]);
}

TEST(SchedulerPolicy, WaitTimesOutAndAWakeGoesToTheNextWaiter)
{
    Simulation sim;
    WaitQueue queue;
    Thread& impatient = sim.spawn("impatient");
    sim.scheduler.block_on(queue, sim.platform.time_ns + 5_ms);
    Thread& patient = sim.spawn("patient");
    ASSERT_EQ(sim.current(), &patient);
    sim.scheduler.block_on(queue);
    EXPECT_EQ(queue.waiter_count(), 2u);
    EXPECT_TRUE(sim.is_idle());

    sim.run_for(5_ms);
    EXPECT_EQ(impatient.wake_reason(), WakeReason::TimedOut);
    EXPECT_EQ(sim.current(), &impatient);
    EXPECT_EQ(patient.state(), ThreadState::Blocked);
    // The timed-out thread has not yet left the queue; a wake must still reach `patient`.
    EXPECT_EQ(sim.scheduler.wake_one(queue), 1u);
    EXPECT_EQ(patient.state(), ThreadState::Runnable);
    EXPECT_EQ(sim.scheduler.finish_wait(queue), WakeReason::TimedOut);
    EXPECT_EQ(queue.waiter_count(), 0u);
    EXPECT_EQ(sim.scheduler.wake_one(queue), 0u);
}

TEST(SchedulerPolicy, WakeAllWakesEveryWaiterInArrivalOrder)
{
    Simulation sim;
    WaitQueue queue;
    std::vector<Thread*> threads;
    for (int i = 0; i < 5; ++i) {
        threads.push_back(&sim.spawn("waiter"));
        sim.scheduler.block_on(queue);
    }
    EXPECT_EQ(queue.waiter_count(), 5u);
    EXPECT_EQ(sim.scheduler.wake_all(queue), 5u);
    for (Thread* thread : threads) {
        EXPECT_NE(thread->state(), ThreadState::Blocked);
        EXPECT_EQ(thread->wake_reason(), WakeReason::Woken);
    }
    // First come, first served: they run in the order they went to sleep.
    for (Thread* thread : threads) {
        EXPECT_EQ(sim.current(), thread);
        sim.scheduler.exit();
    }
    EXPECT_TRUE(sim.is_idle());
}

TEST(SchedulerPolicy, WaitUntilReturnsAtOnceWhenTheConditionHolds)
{
    Simulation sim;
    WaitQueue queue;
    sim.spawn("t");
    EXPECT_TRUE(sim.scheduler.wait_until(queue, [] { return true; }).is_ok());
    // A deadline in the past with a false condition: TimedOut without blocking.
    EXPECT_EQ(sim.scheduler.wait_until(queue, [] { return false; }, sim.platform.time_ns).error(), Error::TimedOut);
    EXPECT_EQ(sim.current()->state(), ThreadState::Running);
}

TEST(SchedulerPolicy, ExitMakesAThreadReapableAndJoinable)
{
    Simulation sim;
    Thread& worker = sim.spawn("worker");
    Thread& parent = sim.spawn("parent");
    EXPECT_EQ(sim.scheduler.join(sim.make_thread("never-started")).error(), Error::InvalidArgument);
    ASSERT_EQ(sim.current(), &worker);
    EXPECT_FALSE(worker.is_reapable());
    sim.scheduler.exit();
    EXPECT_EQ(worker.state(), ThreadState::Dead);
    EXPECT_TRUE(worker.is_reapable());
    EXPECT_FALSE(worker.is_on_cpu());
    EXPECT_EQ(sim.current(), &parent);
    EXPECT_TRUE(sim.scheduler.join(worker).is_ok());
    EXPECT_EQ(sim.scheduler.join(parent).error(), Error::InvalidArgument); // itself
}

TEST(SchedulerPolicy, ThreadIdsAreNeverReused)
{
    Simulation sim;
    ThreadId previous = 0;
    for (int i = 0; i < 100; ++i) {
        Thread& thread = sim.spawn("short-lived");
        EXPECT_GT(thread.id(), previous);
        previous = thread.id();
        sim.scheduler.exit();
    }
}

TEST(SchedulerPolicy, IdleTimeIsAccountedWhenNothingRuns)
{
    Simulation sim;
    Thread& thread = sim.spawn("t");
    sim.run_for(10_ms);
    sim.scheduler.sleep_for(30_ms);
    sim.run_for(40_ms);
    EXPECT_EQ(thread.cpu_time_ns(), 20_ms);
    EXPECT_EQ(sim.scheduler.run_queue(0).idle_time_ns(), 30_ms);
}

#include <gtest/gtest.h>
#include <kernel/sched/LoadBalance.h>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri::sched;
using namespace gehri::sched::testing;

TEST(LoadBalance, FindsTheBusiestCpuOnlyPastTheThreshold)
{
    uint32_t loads[max_cpus] = {};
    CpuMask online = CpuMask::from_bits(0b1111);
    loads[0] = 1;
    loads[1] = 2;
    loads[2] = 0;
    loads[3] = 2;
    // CPU 2 (idle): CPU 1 has 2 more; ties go to the lower number.
    auto source = balance::find_busiest(loads, online, 2);
    ASSERT_TRUE(source.found);
    EXPECT_EQ(source.cpu, 1u);
    // CPU 0 (one thread): a difference of one is not worth a migration.
    EXPECT_FALSE(balance::find_busiest(loads, online, 0).found);
    // An offline CPU is never a source.
    loads[5] = 10;
    EXPECT_EQ(balance::find_busiest(loads, online, 2).cpu, 1u);
    // Alone, nothing to do.
    EXPECT_FALSE(balance::find_busiest(loads, CpuMask::only(2), 2).found);
}

TEST(LoadBalance, PullsTheMostImportantMovableThread)
{
    Simulation sim(2);
    Thread& running = sim.spawn("running", PriorityClass::Emergency);
    Thread& pinned = sim.spawn("pinned", PriorityClass::Emergency, default_weight, CpuMask::only(0));
    Thread& batch = sim.spawn("batch", PriorityClass::Batch);
    Thread& normal_early = sim.spawn("normal-early", PriorityClass::Normal);
    Thread& normal_late = sim.spawn("normal-late", PriorityClass::Normal);
    // No ticks: CPU 1 would balance. CPU 0 runs the first Emergency thread, the rest wait.
    ASSERT_EQ(sim.current(0), &running);
    const RunQueue& source = sim.scheduler.run_queue(0);

    // The queued Emergency thread is pinned and the running one cannot move: the next most
    // important is Normal, and of the two the one with the larger virtual runtime.
    Thread* choice = balance::choose_thread_to_pull(source, 1);
    ASSERT_NE(choice, nullptr);
    EXPECT_EQ(choice->priority_class(), PriorityClass::Normal);
    EXPECT_FALSE(balance::can_migrate(*sim.current(0), 1));
    EXPECT_FALSE(balance::can_migrate(pinned, 1));
    EXPECT_TRUE(balance::can_migrate(batch, 1));
    EXPECT_TRUE(choice == &normal_late || choice == &normal_early);
    EXPECT_GE(static_cast<int64_t>(choice->virtual_runtime() - (choice == &normal_late ? normal_early : normal_late).virtual_runtime()), 0);
    // To CPU 0 itself nothing qualifies that is not already there; from an empty queue, nothing.
    EXPECT_EQ(balance::choose_thread_to_pull(sim.scheduler.run_queue(1), 0), nullptr);

    // Once the movable Emergency thread is the one waiting, it goes first.
    sim.scheduler.yield();
    ASSERT_EQ(sim.current(0), &pinned);
    EXPECT_EQ(balance::choose_thread_to_pull(source, 1), &running);
}

TEST(LoadBalance, IdleCpuPullsWorkButNeverAPinnedThread)
{
    Simulation sim(2);
    Thread& pinned = sim.spawn("pinned", PriorityClass::Normal, default_weight, CpuMask::only(0));
    std::vector<Thread*> movable;
    for (int i = 0; i < 4; ++i)
        movable.push_back(&sim.spawn("worker"));
    // Everything started on CPU 0.
    EXPECT_EQ(sim.scheduler.run_queue(0).nr_running(), 5u);
    EXPECT_TRUE(sim.is_idle(1));

    for (int step = 0; step < 2000; ++step) {
        sim.run_for(1_ms);
        ASSERT_EQ(pinned.cpu(), 0u);
        ASSERT_NE(sim.current(1), &pinned);
    }
    // Balanced: 3 and 2, and CPU 1 has been busy since the first balancing tick.
    uint32_t on_zero = sim.scheduler.run_queue(0).nr_running();
    uint32_t on_one = sim.scheduler.run_queue(1).nr_running();
    EXPECT_EQ(on_zero + on_one, 5u);
    EXPECT_LE(on_zero > on_one ? on_zero - on_one : on_one - on_zero, 1u);
    EXPECT_LE(sim.scheduler.run_queue(1).idle_time_ns(), policy::balance_interval_ns * 2);
    EXPECT_GT(pinned.cpu_time_ns(), 0u);
    for (Thread* thread : movable)
        EXPECT_GT(thread->cpu_time_ns(), 0u);
}

TEST(LoadBalance, OnlyPinnedWorkStaysPut)
{
    Simulation sim(2);
    for (int i = 0; i < 3; ++i)
        sim.spawn("pinned", PriorityClass::Normal, default_weight, CpuMask::only(0));
    sim.run_for(200_ms);
    EXPECT_TRUE(sim.is_idle(1));
    EXPECT_EQ(sim.scheduler.run_queue(0).nr_running(), 3u);
    EXPECT_EQ(sim.scheduler.run_queue(1).idle_time_ns(), 200_ms);
}

TEST(LoadBalance, SetAffinityMovesQueuedRunningAndSleepingThreads)
{
    Simulation sim(2);
    Thread& a = sim.spawn("a");
    Thread& b = sim.spawn("b");
    Thread& sleeper = sim.spawn("sleeper");
    ASSERT_EQ(sim.current(0), &a);
    // The queued one moves at once.
    ASSERT_TRUE(sim.scheduler.set_affinity(b, CpuMask::only(1)).is_ok());
    EXPECT_EQ(b.cpu(), 1u);
    EXPECT_TRUE(sim.scheduler.needs_reschedule(1)); // CPU 1 was idle
    EXPECT_EQ(sim.platform.reschedule_requests.back(), 1u);
    sim.as_cpu(1, [&] { sim.scheduler.preempt_if_needed(); });
    EXPECT_EQ(sim.current(1), &b);

    // The running one (acting on itself) leaves the CPU and is placed on an allowed one.
    ASSERT_TRUE(sim.scheduler.set_affinity(a, CpuMask::only(1)).is_ok());
    EXPECT_NE(sim.current(0), &a);
    EXPECT_EQ(a.cpu(), 1u);
    EXPECT_EQ(a.state(), ThreadState::Runnable);

    // A sleeping one carries its timer along and wakes on its new CPU.
    ASSERT_EQ(sim.current(0), &sleeper);
    sim.scheduler.sleep_for(10_ms);
    ASSERT_TRUE(sim.scheduler.set_affinity(sleeper, CpuMask::only(1)).is_ok());
    EXPECT_EQ(sleeper.cpu(), 1u);
    EXPECT_EQ(sim.scheduler.run_queue(0).timers().size(), 0u);
    EXPECT_EQ(sim.scheduler.run_queue(1).timers().size(), 1u);
    sim.run_for(10_ms);
    EXPECT_NE(sleeper.state(), ThreadState::Sleeping);
    EXPECT_EQ(sleeper.cpu(), 1u);
    EXPECT_TRUE(sim.is_idle(0));

    EXPECT_EQ(sim.scheduler.set_affinity(a, CpuMask::only(7)).error(), gehri::Error::InvalidArgument);
}

TEST(LoadBalance, APollerWakingAtTicksDoesNotHideItsCpusSpareRoom)
{
    // The in-kernel test smp_load_balancing_spreads_spinning_threads on 8 CPUs: the test's own
    // thread polls with 1 ms sleeps on CPU 0, so its deadline is the tick. CPU 0 has one
    // spinner, CPU 1 three. Balancing must not count the poller that this very tick wakes:
    // it is asleep almost all the time, and with it counted CPU 0 looked as busy as 3 - 1.
    Simulation sim(2);
    Thread& poller = sim.spawn("poller", PriorityClass::Normal, default_weight, CpuMask::only(0), 0);
    std::vector<Thread*> spinners { &sim.spawn("spinner", PriorityClass::Normal, default_weight, CpuMask::all(), 0) };
    for (int i = 0; i < 3; ++i)
        spinners.push_back(&sim.spawn("spinner", PriorityClass::Normal, default_weight, CpuMask::all(), 1));
    auto spinners_on = [&](uint32_t cpu) {
        return std::count_if(spinners.begin(), spinners.end(), [&](Thread* thread) { return thread->cpu() == cpu; });
    };
    ASSERT_EQ(spinners_on(0), 1);
    ASSERT_EQ(spinners_on(1), 3);

    for (int step = 0; step < 100; ++step) {
        sim.platform.time_ns += 1_ms;
        sim.tick_all();
        // The poller checks its condition and goes back to sleep until the next tick.
        if (sim.current(0) == &poller)
            sim.as_cpu(0, [&] { sim.scheduler.sleep_for(1_ms); });
    }
    EXPECT_GT(poller.times_scheduled(), 50u);
    EXPECT_EQ(spinners_on(0), 2);
    EXPECT_EQ(spinners_on(1), 2);
}

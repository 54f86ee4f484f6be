// The direct IPC switch (Scheduler::switch_directly_to, used by ChannelCall's fast path): the
// caller blocks and hands the CPU straight to a blocked thread of its class on its CPU, which
// runs on the rest of the caller's slice; anything else leaves every thread as it was.
#include <gtest/gtest.h>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri;
using namespace gehri::sched;
using namespace gehri::sched::testing;

namespace {

// As the current thread: switch to `target` (waiting in target_queue), blocking on own_queue.
bool direct(Simulation& sim, WaitQueue& own_queue, WaitQueue& target_queue, Thread& target, bool agree = true, uint64_t deadline = Scheduler::no_deadline)
{
    return sim.scheduler.switch_directly_to(own_queue, deadline, target_queue, target, [&] { return agree; });
}

} // namespace

TEST(SchedulerDirectSwitch, TheCallerBlocksAndTheTargetRunsWithoutTheRunQueue)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    uint64_t switches = sim.scheduler.context_switches(0);
    sim.platform.time_ns += 100'000;
    uint64_t caller_time = caller.cpu_time_ns();

    EXPECT_TRUE(direct(sim, caller_queue, server_queue, server));
    EXPECT_EQ(sim.current(), &server);
    EXPECT_EQ(server.state(), ThreadState::Running);
    EXPECT_EQ(caller.state(), ThreadState::Blocked);
    EXPECT_EQ(sim.scheduler.run_queue(0).nr_queued(), 0u);
    EXPECT_EQ(sim.scheduler.context_switches(0), switches + 1);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 1u);
    EXPECT_GE(caller.cpu_time_ns(), caller_time + 100'000) << "the caller is charged up to the switch";
    EXPECT_EQ(sim.scheduler.finish_wait(server_queue), WakeReason::Woken);

    // And back: the caller was left in its queue, blocked, and is the next target.
    EXPECT_TRUE(direct(sim, server_queue, caller_queue, caller));
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_EQ(server.state(), ThreadState::Blocked);
    EXPECT_EQ(sim.scheduler.finish_wait(caller_queue), WakeReason::Woken);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 2u);
}

TEST(SchedulerDirectSwitch, RefusedByTheCommitNothingChanges)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    EXPECT_FALSE(direct(sim, caller_queue, server_queue, server, false));
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_EQ(caller.state(), ThreadState::Running);
    EXPECT_EQ(server.state(), ThreadState::Blocked);
    EXPECT_EQ(server_queue.waiter_count(), 1u);
    EXPECT_EQ(caller_queue.waiter_count(), 0u);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 0u);
    // The locks were all released: the ordinary wake-up still works.
    EXPECT_EQ(sim.scheduler.wake_one(server_queue), 1u);
    EXPECT_EQ(server.state(), ThreadState::Runnable);
}

TEST(SchedulerDirectSwitch, AnotherClassAThreadNotBlockedOrAPendingRescheduleIsRefused)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);

    ASSERT_TRUE(sim.scheduler.set_priority_class(server, PriorityClass::Batch).is_ok());
    EXPECT_FALSE(direct(sim, caller_queue, server_queue, server)) << "another class";
    ASSERT_TRUE(sim.scheduler.set_priority_class(server, PriorityClass::Normal).is_ok());

    // A higher class woken meanwhile wants the CPU: the pending reschedule wins.
    Thread& urgent = sim.make_thread("urgent", PriorityClass::Emergency);
    WaitQueue urgent_queue;
    ASSERT_TRUE(sim.scheduler.start(urgent).is_ok());
    ASSERT_TRUE(yield_until_current(sim, urgent));
    sim.scheduler.block_on(urgent_queue);
    ASSERT_TRUE(yield_until_current(sim, caller));
    {
        // Woken with interrupts off (as in an interrupt handler): no preemption yet, only the
        // request.
        arch::InterruptState interrupts = arch::save_and_disable_interrupts();
        EXPECT_EQ(sim.scheduler.wake_one(urgent_queue), 1u);
        EXPECT_TRUE(sim.scheduler.needs_reschedule(0));
        EXPECT_FALSE(direct(sim, caller_queue, server_queue, server)) << "a reschedule is pending";
        arch::restore_interrupts(interrupts);
        sim.scheduler.preempt_if_needed();
        EXPECT_EQ(sim.current(), &urgent);
        sim.scheduler.block_on(urgent_queue);
        ASSERT_TRUE(yield_until_current(sim, caller));
    }

    // A thread already woken (by its timeout, a kill, a plain write) is no target.
    EXPECT_EQ(sim.scheduler.wake_one(server_queue), 1u);
    sim.scheduler.preempt_if_needed();
    if (sim.current() != &caller) {
        ASSERT_TRUE(yield_until_current(sim, caller));
    }
    EXPECT_FALSE(direct(sim, caller_queue, server_queue, server)) << "not blocked";
    EXPECT_EQ(sim.scheduler.direct_switches(0), 0u);
}

TEST(SchedulerDirectSwitch, AThreadOnAnotherCpuIsRefused)
{
    Simulation sim(2);
    Thread& caller = sim.spawn("caller", PriorityClass::Normal, default_weight, CpuMask::only(0), 0);
    Thread& server = sim.spawn("server", PriorityClass::Normal, default_weight, CpuMask::only(1), 1);
    WaitQueue caller_queue;
    WaitQueue server_queue;
    sim.as_cpu(1, [&] { sim.scheduler.block_on(server_queue); });
    ASSERT_EQ(server.state(), ThreadState::Blocked);
    ASSERT_EQ(sim.current(), &caller);
    EXPECT_FALSE(direct(sim, caller_queue, server_queue, server));
    EXPECT_EQ(caller.state(), ThreadState::Running);
    EXPECT_EQ(server.state(), ThreadState::Blocked);
}

TEST(SchedulerDirectSwitch, TheSliceIsDonatedSoThePairIsPreemptedLikeOneThread)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    Thread& spinner = sim.spawn("spinner");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    ASSERT_EQ(spinner.state(), ThreadState::Runnable);
    // The pair ping-pongs by direct switches, 50 us per turn, for far longer than a slice: the
    // tick still preempts it for the queued spinner, because the slice is passed on, not
    // restarted at every switch.
    bool spinner_ran = false;
    Thread* turn = &caller;
    for (int i = 0; i < 2000 && !spinner_ran; ++i) {
        sim.platform.time_ns += 50'000;
        if (i % 20 == 0) {
            sim.tick_all();
            if (sim.current() == &spinner) {
                spinner_ran = true;
                break;
            }
        }
        Thread& other = turn == &caller ? server : caller;
        WaitQueue& own = turn == &caller ? caller_queue : server_queue;
        WaitQueue& theirs = turn == &caller ? server_queue : caller_queue;
        ASSERT_TRUE(direct(sim, own, theirs, other));
        (void)sim.scheduler.finish_wait(theirs);
        turn = &other;
    }
    EXPECT_TRUE(spinner_ran) << "a pair of direct switchers kept a queued thread of its class waiting";
}

TEST(SchedulerDirectSwitch, ALongSleeperGetsNoMoreThanTheSleeperCredit)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    Thread& spinner = sim.spawn("spinner");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    uint64_t server_runtime = server.virtual_runtime();
    // The others run for a long time while the server sleeps.
    sim.run_for(200_ms);
    ASSERT_TRUE(yield_until_current(sim, caller));
    EXPECT_TRUE(direct(sim, caller_queue, server_queue, server));
    uint64_t clock = sim.scheduler.run_queue(0).queue_of(PriorityClass::Normal).min_virtual_runtime();
    EXPECT_GE(server.virtual_runtime(), clock - policy::sleeper_credit_ns);
    EXPECT_GT(server.virtual_runtime(), server_runtime + 50_ms);
    (void)spinner;
}

TEST(SchedulerDirectSwitch, ATimeoutEndsTheCallersWait)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    EXPECT_TRUE(direct(sim, caller_queue, server_queue, server, true, sim.platform.time_ns + 5_ms));
    ASSERT_EQ(sim.current(), &server);
    sim.scheduler.block_on(server_queue); // the server never answers
    sim.run_for(10_ms);
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_EQ(sim.scheduler.finish_wait(caller_queue), WakeReason::TimedOut);
    EXPECT_EQ(caller_queue.waiter_count(), 0u);
}

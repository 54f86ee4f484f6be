// The hand-off (Scheduler::begin_handoff): a thread that wakes another and then blocks switches
// straight to it, without the run queue, when pick_next would have chosen it anyway; in every
// other case the woken thread is woken the ordinary way and nothing is lost.
#include <gtest/gtest.h>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri;
using namespace gehri::sched;
using namespace gehri::sched::testing;

namespace {

// As the current thread: wake one waiter of `peer`, then block on `own`, inside a hand-off.
void call_like(Simulation& sim, WaitQueue& peer, WaitQueue& own)
{
    HandoffScope handoff(sim.scheduler);
    EXPECT_EQ(sim.scheduler.wake_one(peer), 1u);
    sim.scheduler.block_on(own);
}

} // namespace

TEST(SchedulerHandoff, TheWokenThreadTakesTheCpuWithoutTheRunQueue)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    ASSERT_EQ(sim.current(), &caller);
    uint64_t switches = sim.scheduler.context_switches(0);

    {
        HandoffScope handoff(sim.scheduler);
        EXPECT_EQ(sim.scheduler.wake_one(server_queue), 1u);
        EXPECT_EQ(server.state(), ThreadState::Blocked) << "kept aside, not queued";
        EXPECT_EQ(sim.scheduler.run_queue(0).nr_queued(), 0u);
        sim.scheduler.block_on(caller_queue);
    }
    EXPECT_EQ(sim.scheduler.direct_switches(0), 1u);
    EXPECT_EQ(sim.current(), &server);
    EXPECT_EQ(server.state(), ThreadState::Running);
    EXPECT_EQ(caller.state(), ThreadState::Blocked);
    EXPECT_EQ(sim.scheduler.run_queue(0).nr_queued(), 0u) << "the server never went through the queue";
    EXPECT_EQ(sim.scheduler.context_switches(0), switches + 1);
    EXPECT_EQ(sim.scheduler.finish_wait(server_queue), WakeReason::Woken);

    // And back: the server answers with a call of its own.
    call_like(sim, caller_queue, server_queue);
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_EQ(server.state(), ThreadState::Blocked);
    EXPECT_EQ(sim.scheduler.finish_wait(caller_queue), WakeReason::Woken);
    EXPECT_EQ(sim.scheduler.context_switches(0), switches + 2);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 2u);
}

TEST(SchedulerHandoff, WithoutABlockTheDeferredThreadIsWokenAtTheEnd)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    {
        HandoffScope handoff(sim.scheduler);
        EXPECT_EQ(sim.scheduler.wake_one(server_queue), 1u);
        EXPECT_EQ(server.state(), ThreadState::Blocked) << "kept aside until the caller blocks or the scope ends";
    }
    EXPECT_EQ(server.state(), ThreadState::Runnable);
    EXPECT_EQ(server.wake_reason(), WakeReason::Woken);
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_TRUE(yield_until_current(sim, server));
}

TEST(SchedulerHandoff, AnotherClassIsWokenTheOrdinaryWay)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    Thread& other = sim.spawn("other");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    ASSERT_TRUE(sim.scheduler.set_priority_class(server, PriorityClass::Batch).is_ok());
    ASSERT_EQ(other.state(), ThreadState::Runnable);

    call_like(sim, server_queue, caller_queue);
    // A Batch server is not handed a Normal caller's CPU: it is queued, and the Normal thread
    // that was waiting comes first.
    EXPECT_EQ(sim.current(), &other);
    EXPECT_EQ(server.state(), ThreadState::Runnable);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 0u);
    EXPECT_EQ(caller.state(), ThreadState::Blocked);
}

TEST(SchedulerHandoff, AThreadAheadInTheQueueRunsFirst)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    Thread& waiting = sim.spawn("waiting");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    // The server has run for long before it blocked; the waiting thread has not run at all.
    ASSERT_TRUE(yield_until_current(sim, server));
    sim.platform.time_ns += 20_ms;
    sim.scheduler.block_on(server_queue);
    ASSERT_TRUE(yield_until_current(sim, caller));
    ASSERT_EQ(waiting.state(), ThreadState::Runnable);

    call_like(sim, server_queue, caller_queue);
    EXPECT_EQ(sim.current(), &waiting) << "the hand-off does not jump the fair order";
    EXPECT_EQ(sim.scheduler.direct_switches(0), 0u);
    EXPECT_EQ(server.state(), ThreadState::Runnable);
    EXPECT_TRUE(yield_until_current(sim, server));
    EXPECT_EQ(sim.scheduler.finish_wait(server_queue), WakeReason::Woken);
}

TEST(SchedulerHandoff, AThreadOnAnotherCpuIsWokenThere)
{
    Simulation sim(2);
    Thread& caller = sim.spawn("caller", PriorityClass::Normal, default_weight, CpuMask::only(0), 0);
    Thread& server = sim.spawn("server", PriorityClass::Normal, default_weight, CpuMask::only(1), 1);
    WaitQueue caller_queue;
    WaitQueue server_queue;
    ASSERT_EQ(sim.current(1), &server);
    sim.as_cpu(1, [&] { sim.scheduler.block_on(server_queue); });
    ASSERT_EQ(server.state(), ThreadState::Blocked);
    ASSERT_EQ(sim.current(), &caller);

    call_like(sim, server_queue, caller_queue);
    EXPECT_EQ(caller.state(), ThreadState::Blocked);
    EXPECT_TRUE(sim.scheduler.run_queue(0).is_idle());
    EXPECT_EQ(server.state(), ThreadState::Runnable);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 0u);
    sim.deliver_reschedule_ipis();
    EXPECT_EQ(sim.current(1), &server);
}

TEST(SchedulerHandoff, ATimeoutStillEndsTheCallersWait)
{
    Simulation sim;
    Thread& caller = sim.spawn("caller");
    Thread& server = sim.spawn("server");
    WaitQueue caller_queue;
    WaitQueue server_queue;
    block_thread(sim, server, server_queue, caller);
    {
        HandoffScope handoff(sim.scheduler);
        EXPECT_EQ(sim.scheduler.wake_one(server_queue), 1u);
        sim.scheduler.block_on(caller_queue, sim.platform.time_ns + 5_ms);
    }
    ASSERT_EQ(sim.current(), &server);
    EXPECT_EQ(sim.scheduler.direct_switches(0), 1u);
    EXPECT_EQ(sim.scheduler.finish_wait(server_queue), WakeReason::Woken);
    sim.scheduler.block_on(server_queue); // the server never answers
    sim.run_for(10_ms);
    EXPECT_EQ(sim.current(), &caller);
    EXPECT_EQ(sim.scheduler.finish_wait(caller_queue), WakeReason::TimedOut);
}

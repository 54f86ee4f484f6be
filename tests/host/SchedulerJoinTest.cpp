// Joining: an exit wakes the threads that join it and no others. The kernel test
// sched_threads_interleave_and_exit failed about one boot in four because every exit woke
// every joiner: its main thread, joining worker 0, woke when worker 2 exited, took the turn
// worker 0 yielded (a woken thread is placed ahead of the class clock), blocked again, and the
// CPU went back to worker 0 while worker 1 was still runnable. The simulation replays that.
#include <gtest/gtest.h>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri;
using namespace gehri::sched;
using namespace gehri::sched::testing;

TEST(SchedulerJoin, AnExitWakesOnlyItsOwnJoiners)
{
    Simulation sim;
    Thread& parent = sim.spawn("parent");
    ASSERT_EQ(sim.current(), &parent);
    Thread& first = sim.spawn("first");
    Thread& second = sim.spawn("second");
    Thread& other_joiner = sim.spawn("other-joiner");

    sim.scheduler.block_on_exit_of(first); // as parent
    EXPECT_EQ(parent.state(), ThreadState::Blocked);
    ASSERT_TRUE(yield_until_current(sim, other_joiner));
    sim.scheduler.block_on_exit_of(second);
    EXPECT_EQ(other_joiner.state(), ThreadState::Blocked);

    ASSERT_TRUE(yield_until_current(sim, second));
    sim.scheduler.exit();
    EXPECT_TRUE(second.is_reapable());
    EXPECT_EQ(parent.state(), ThreadState::Blocked) << "woken by the exit of a thread it does not join";
    EXPECT_EQ(other_joiner.state(), ThreadState::Runnable);
    EXPECT_EQ(other_joiner.wake_reason(), WakeReason::Woken);

    ASSERT_TRUE(yield_until_current(sim, other_joiner));
    EXPECT_EQ(sim.scheduler.finish_exit_wait(), WakeReason::Woken);
    sim.scheduler.exit();

    ASSERT_EQ(sim.current(), &first);
    sim.scheduler.exit();
    EXPECT_TRUE(first.is_reapable());
    EXPECT_TRUE(sim.is_idle()); // it exited before its joiner was woken
    sim.scheduler.preempt_if_needed(); // the wake-up asked this CPU to reschedule
    EXPECT_EQ(sim.current(), &parent);
    EXPECT_EQ(sim.scheduler.finish_exit_wait(), WakeReason::Woken);
}

TEST(SchedulerJoin, AJoinerTakesNoTurnFromThreadsThatYieldToEachOther)
{
    Simulation sim;
    Thread& parent = sim.spawn("main");
    ASSERT_EQ(sim.current(), &parent);
    Thread& worker0 = sim.spawn("worker-0");
    Thread& worker1 = sim.spawn("worker-1");
    Thread& worker2 = sim.spawn("worker-2");
    sim.scheduler.block_on_exit_of(worker0); // main joins worker 0 first

    // Worker 1 is charged a long stretch (on TCG: a stalled host or translation time) and
    // falls far behind in the order; workers 0 and 2 go on yielding to each other.
    ASSERT_TRUE(yield_until_current(sim, worker1));
    sim.platform.time_ns += 10_ms;
    sim.scheduler.yield();
    for (int i = 0; i < 6; ++i) {
        Thread* yielder = sim.current();
        ASSERT_TRUE(yielder == &worker0 || yielder == &worker2);
        sim.platform.time_ns += 10_us;
        sim.scheduler.yield();
        EXPECT_NE(sim.current(), yielder);
        EXPECT_NE(sim.current(), &worker1);
    }

    // Worker 2 exits; worker 0 is next and yields. The CPU must go to worker 1, the only other
    // runnable thread: main still waits for worker 0.
    ASSERT_TRUE(yield_until_current(sim, worker2));
    sim.platform.time_ns += 10_us;
    sim.scheduler.exit();
    ASSERT_EQ(sim.current(), &worker0);
    EXPECT_EQ(parent.state(), ThreadState::Blocked);
    sim.platform.time_ns += 10_us;
    sim.scheduler.yield();
    EXPECT_EQ(sim.current(), &worker1);

    // Worker 0's exit is main's wake-up.
    ASSERT_TRUE(yield_until_current(sim, worker0));
    sim.scheduler.exit();
    EXPECT_EQ(parent.state(), ThreadState::Runnable);
    ASSERT_TRUE(yield_until_current(sim, parent));
    EXPECT_EQ(sim.scheduler.finish_exit_wait(), WakeReason::Woken);
    EXPECT_TRUE(worker0.is_reapable());
}

// Random operations on a simulated 3-CPU machine, with every scheduler invariant checked after
// each step: each thread is in exactly the place its state says, on a CPU its affinity
// allows, the queues are well formed and the accounting adds up.
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <tests/host/support/SchedulerSimulation.h>

using namespace gehri;
using namespace gehri::sched;
using namespace gehri::sched::testing;

namespace {

constexpr uint32_t cpu_count = 3;
constexpr size_t queue_count = 3;

class Chaos {
public:
    explicit Chaos(uint64_t seed)
        : m_random(seed)
        , m_sim(cpu_count)
    {
    }

    void run(int steps)
    {
        for (int step = 0; step < steps; ++step) {
            act();
            m_sim.deliver_reschedule_ipis();
            check_invariants();
            if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure())
                return;
        }
    }

private:
    uint64_t pick(uint64_t bound) { return m_random() % bound; }

    PriorityClass random_class() { return class_at(pick(priority_class_count)); }
    CpuMask random_affinity()
    {
        switch (pick(4)) {
        case 0: return CpuMask::only(static_cast<uint32_t>(pick(cpu_count)));
        case 1: return CpuMask::from_bits(0b011);
        case 2: return CpuMask::from_bits(0b110);
        default: return CpuMask::all();
        }
    }
    size_t live_threads()
    {
        size_t live = 0;
        for (auto& thread : m_sim.threads)
            live += thread->state() != ThreadState::Dead;
        return live;
    }

    Thread* random_live_thread()
    {
        std::vector<Thread*> live;
        for (auto& thread : m_sim.threads) {
            if (thread->state() != ThreadState::Dead)
                live.push_back(thread.get());
        }
        return live.empty() ? nullptr : live[pick(live.size())];
    }

    // A thread that blocked finishes its wait first thing when it runs again.
    void resume_if_returning_from_wait(Thread& thread)
    {
        auto pending = m_pending_wait.find(&thread);
        if (pending == m_pending_wait.end())
            return;
        WakeReason reason = m_sim.scheduler.finish_wait(m_queues[pending->second]);
        EXPECT_NE(reason, WakeReason::None);
        m_pending_wait.erase(pending);
    }

    void act_as_current(uint32_t cpu)
    {
        Thread* current = m_sim.current(cpu);
        if (current->is_idle_thread())
            return;
        m_sim.as_cpu(cpu, [&] {
            resume_if_returning_from_wait(*current);
            uint64_t now = m_sim.platform.time_ns;
            switch (pick(8)) {
            case 0: m_sim.scheduler.yield(); break;
            case 1: m_sim.scheduler.sleep_for(1 + pick(5_ms)); break;
            case 2: {
                size_t queue = pick(queue_count);
                m_pending_wait[current] = queue;
                m_sim.scheduler.block_on(m_queues[queue], pick(2) ? Scheduler::no_deadline : now + 1 + pick(8_ms));
                break;
            }
            case 3:
                if (pick(4) == 0)
                    m_sim.scheduler.exit();
                break;
            case 4: EXPECT_TRUE(m_sim.scheduler.set_affinity(*current, random_affinity()).is_ok()); break;
            case 5: EXPECT_TRUE(m_sim.scheduler.set_priority_class(*current, random_class()).is_ok()); break;
            case 6: EXPECT_TRUE(m_sim.scheduler.set_weight(*current, 1 + static_cast<uint32_t>(pick(4096))).is_ok()); break;
            default: break; // keeps computing
            }
        });
    }

    void act()
    {
        uint32_t cpu = static_cast<uint32_t>(pick(cpu_count));
        switch (pick(10)) {
        case 0:
            if (live_threads() < 16 && m_sim.threads.size() < 2000) {
                Thread& thread = m_sim.make_thread("chaos", random_class(), 1 + static_cast<uint32_t>(pick(4096)), random_affinity());
                m_sim.as_cpu(cpu, [&] { EXPECT_TRUE(m_sim.scheduler.start(thread).is_ok()); });
            }
            break;
        case 1:
            m_sim.as_cpu(cpu, [&] {
                if (pick(2))
                    m_sim.scheduler.wake_one(m_queues[pick(queue_count)]);
                else
                    m_sim.scheduler.wake_all(m_queues[pick(queue_count)]);
            });
            break;
        case 2:
            if (Thread* thread = random_live_thread()) {
                m_sim.as_cpu(cpu, [&] {
                    switch (pick(3)) {
                    case 0: EXPECT_TRUE(m_sim.scheduler.set_affinity(*thread, random_affinity()).is_ok()); break;
                    case 1: EXPECT_TRUE(m_sim.scheduler.set_priority_class(*thread, random_class()).is_ok()); break;
                    default: EXPECT_TRUE(m_sim.scheduler.set_weight(*thread, 1 + static_cast<uint32_t>(pick(4096))).is_ok()); break;
                    }
                });
            }
            break;
        case 3:
        case 4:
        case 5:
            m_sim.platform.time_ns += 1 + pick(2_ms);
            m_sim.tick_all();
            check_accounting();
            break;
        default:
            act_as_current(cpu);
            break;
        }
    }

    bool is_queued_on(const Thread& thread, uint32_t cpu)
    {
        bool found = false;
        m_sim.scheduler.run_queue(cpu).queue_of(thread.priority_class()).for_each([&](Thread& queued) {
            if (&queued == &thread)
                found = true;
        });
        return found;
    }

    void check_invariants()
    {
        size_t blocked = 0;
        for (auto& owned : m_sim.threads) {
            Thread& thread = *owned;
            uint32_t cpu = thread.cpu();
            ASSERT_LT(cpu, cpu_count);
            const RunQueue& queue = m_sim.scheduler.run_queue(cpu);
            switch (thread.state()) {
            case ThreadState::Created: FAIL() << "a chaos thread is always started"; break;
            case ThreadState::Running:
                EXPECT_EQ(queue.current(), &thread);
                EXPECT_TRUE(thread.affinity().contains(cpu));
                break;
            case ThreadState::Runnable:
                EXPECT_TRUE(is_queued_on(thread, cpu)) << "runnable but in no queue";
                EXPECT_TRUE(thread.affinity().contains(cpu)) << "queued on a CPU its affinity forbids";
                break;
            case ThreadState::Sleeping:
                EXPECT_TRUE(queue.timers().is_armed(thread));
                EXPECT_TRUE(thread.affinity().contains(cpu));
                break;
            case ThreadState::Blocked:
                ++blocked;
                EXPECT_TRUE(thread.affinity().contains(cpu));
                break;
            case ThreadState::Dead:
                EXPECT_TRUE(thread.is_reapable());
                EXPECT_FALSE(queue.timers().is_armed(thread));
                break;
            }
            if (thread.state() != ThreadState::Running) {
                EXPECT_FALSE(thread.is_on_cpu());
            }
        }
        size_t waiting = 0;
        for (auto& queue : m_queues)
            waiting += queue.waiter_count();
        EXPECT_GE(waiting, blocked); // plus timed-out threads that have not finished their wait
        for (uint32_t cpu = 0; cpu < cpu_count; ++cpu) {
            const RunQueue& queue = m_sim.scheduler.run_queue(cpu);
            size_t queued = 0;
            for (size_t i = 0; i < priority_class_count; ++i) {
                EXPECT_TRUE(queue.queue_of(class_at(i)).is_valid());
                queued += queue.queue_of(class_at(i)).size();
            }
            EXPECT_EQ(queued, queue.nr_queued());
            EXPECT_EQ(queue.nr_running(), queued + (queue.is_idle() ? 0 : 1));
            EXPECT_TRUE(queue.timers().is_valid());
            EXPECT_EQ(queue.current()->state(), ThreadState::Running);
            EXPECT_EQ(queue.current()->cpu(), cpu);
        }
    }

    // Every nanosecond of every CPU went to exactly one thread (idle included).
    void check_accounting()
    {
        uint64_t total = 0;
        for (auto& thread : m_sim.threads)
            total += thread->cpu_time_ns();
        for (auto& idle : m_sim.idle_threads)
            total += idle->cpu_time_ns();
        EXPECT_EQ(total, cpu_count * m_sim.platform.time_ns);
    }

    std::mt19937_64 m_random;
    Simulation m_sim;
    WaitQueue m_queues[queue_count];
    std::map<Thread*, size_t> m_pending_wait;
};

} // namespace

TEST(SchedulerStress, RandomOperationsKeepEveryInvariant)
{
    for (uint64_t seed : { 1, 2, 3, 4, 5 }) {
        SCOPED_TRACE(seed);
        Chaos(seed).run(20'000);
    }
}

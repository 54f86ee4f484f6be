#pragma once

// A scheduler on simulated CPUs: each CPU starts in its idle thread, threads are records, and
// run_for() advances time in ticks, calling on_tick and preempt_if_needed on every CPU the
// way the timer interrupt will.
#include <functional>
#include <gtest/gtest.h>
#include <kernel/sched/Scheduler.h>
#include <memory>
#include <tests/host/support/FakeSchedulerPlatform.h>
#include <vector>

namespace gehri::sched::testing {

constexpr uint64_t operator""_ms(unsigned long long value) { return value * 1'000'000; }
constexpr uint64_t operator""_us(unsigned long long value) { return value * 1'000; }

class Simulation {
public:
    explicit Simulation(uint32_t cpu_count = 1)
        : scheduler(platform)
    {
        for (uint32_t cpu = 0; cpu < cpu_count; ++cpu) {
            idle_threads.push_back(std::make_unique<Thread>(ThreadOptions { .name = "idle", .affinity = CpuMask::only(cpu) }, StackRegion {}, nullptr, nullptr));
            platform.cpu = cpu;
            scheduler.bring_up_cpu(cpu, *idle_threads.back(), *idle_threads.back());
        }
        platform.cpu = 0;
    }

    Thread& make_thread(const char* name, PriorityClass priority_class = PriorityClass::Normal, uint32_t weight = default_weight, CpuMask affinity = CpuMask::all())
    {
        threads.push_back(std::make_unique<Thread>(ThreadOptions { .name = name, .priority_class = priority_class, .weight = weight, .affinity = affinity }, StackRegion {}, nullptr, nullptr));
        return *threads.back();
    }

    // Creates and starts a thread from `cpu` (where it is placed if its affinity allows).
    Thread& spawn(const char* name, PriorityClass priority_class = PriorityClass::Normal, uint32_t weight = default_weight, CpuMask affinity = CpuMask::all(), uint32_t cpu = 0)
    {
        Thread& thread = make_thread(name, priority_class, weight, affinity);
        as_cpu(cpu, [&] { EXPECT_TRUE(scheduler.start(thread).is_ok()); });
        return thread;
    }

    template<typename Action>
    void as_cpu(uint32_t cpu, Action action)
    {
        uint32_t saved = platform.cpu;
        platform.cpu = cpu;
        action();
        platform.cpu = saved;
    }

    Thread* current(uint32_t cpu = 0) { return const_cast<Thread*>(scheduler.run_queue(cpu).current()); }
    bool is_idle(uint32_t cpu = 0) { return current(cpu) == idle_threads[cpu].get(); }

    // What the reschedule IPI handler does on each CPU that was sent one.
    void deliver_reschedule_ipis()
    {
        while (!platform.reschedule_requests.empty()) {
            uint32_t cpu = platform.reschedule_requests.front();
            platform.reschedule_requests.erase(platform.reschedule_requests.begin());
            as_cpu(cpu, [&] { scheduler.preempt_if_needed(); });
        }
    }

    // One timer tick on every CPU at the current time.
    void tick_all()
    {
        for (uint32_t cpu = 0; cpu < idle_threads.size(); ++cpu) {
            as_cpu(cpu, [&] {
                scheduler.on_tick(platform.time_ns);
                scheduler.preempt_if_needed();
            });
        }
    }

    // Advances time by `duration` in steps of `tick`. Before each tick, `before_tick` (if any)
    // may act as threads do: block, sleep, wake others.
    void run_for(uint64_t duration, uint64_t tick = 1_ms, const std::function<void()>& before_tick = {})
    {
        uint64_t end = platform.time_ns + duration;
        while (platform.time_ns < end) {
            platform.time_ns += tick;
            if (before_tick)
                before_tick();
            tick_all();
        }
    }

    FakeSchedulerPlatform platform;
    Scheduler scheduler;
    std::vector<std::unique_ptr<Thread>> idle_threads;
    std::vector<std::unique_ptr<Thread>> threads;
};

// Yields as the current thread until `thread` is current (at most `limit` times).
inline bool yield_until_current(Simulation& sim, Thread& thread, int limit = 16)
{
    for (int i = 0; i < limit && sim.current() != &thread; ++i)
        sim.scheduler.yield();
    return sim.current() == &thread;
}

// Makes `thread` block on `queue` (it must be runnable on CPU 0), then returns to `back`.
inline void block_thread(Simulation& sim, Thread& thread, WaitQueue& queue, Thread& back, uint64_t deadline = Scheduler::no_deadline)
{
    ASSERT_TRUE(yield_until_current(sim, thread));
    sim.scheduler.block_on(queue, deadline);
    ASSERT_EQ(thread.state(), ThreadState::Blocked);
    ASSERT_TRUE(yield_until_current(sim, back));
}

// CPU time of a set of threads over an interval: snapshot before, compare after.
inline std::vector<uint64_t> cpu_times(const std::vector<Thread*>& threads)
{
    std::vector<uint64_t> times;
    for (Thread* thread : threads)
        times.push_back(thread->cpu_time_ns());
    return times;
}

} // namespace gehri::sched::testing

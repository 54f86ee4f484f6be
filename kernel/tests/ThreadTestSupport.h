#pragma once

// Shared by the in-kernel tests that run real threads on several CPUs.
#include <kernel/arch/Cpu.h>
#include <kernel/lib/Sort.h>
#include <kernel/lib/Span.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/sched/KernelThread.h>
#include <kernel/tests/Framework.h>
#include <kernel/time/Clock.h>

namespace gehri::ktest {

constexpr uint64_t millisecond = 1'000'000;

inline uint64_t now() { return time::now_ns(); }

inline uint32_t online_cpu_count() { return sched::kernel_scheduler().online_cpus().count(); }

// The highest-numbered online CPU other than the caller's; the caller's own on one CPU.
inline uint32_t other_cpu()
{
    sched::CpuMask online = sched::kernel_scheduler().online_cpus();
    uint32_t here = arch::current_cpu_index();
    for (uint32_t cpu = sched::max_cpus; cpu-- > 0;) {
        if (cpu != here && online.contains(cpu))
            return cpu;
    }
    return here;
}

// Spawns a thread or fails the test (returning an empty pointer).
inline OwnPtr<sched::KernelThread> spawn_or_fail(const sched::ThreadOptions& options, sched::ThreadEntry entry, void* argument)
{
    auto thread = sched::KernelThread::spawn(options, entry, argument);
    EXPECT(thread.is_ok());
    return thread.is_ok() ? thread.release_value() : OwnPtr<sched::KernelThread> {};
}

inline void join_or_fail(OwnPtr<sched::KernelThread>& thread)
{
    if (thread)
        EXPECT(thread->join().is_ok());
}

// Sleeps in small steps until `done()` or the timeout; returns whether done() came true.
template<typename Condition>
bool sleep_until_true(Condition done, uint64_t timeout_ns)
{
    uint64_t started = now();
    while (!done()) {
        if (now() - started > timeout_ns)
            return false;
        sched::kernel_scheduler().sleep_for(millisecond);
    }
    return true;
}

template<typename T>
T load(const T& value) { return __atomic_load_n(&value, __ATOMIC_ACQUIRE); }
template<typename T>
void store(T& target, T value) { __atomic_store_n(&target, value, __ATOMIC_RELEASE); }

// A thread that spins until told to stop and measures for itself how long it was on a CPU:
// the sum of the gaps between consecutive clock reads that are short enough to be its own
// loop (a longer gap means another thread had the CPU). Independent of the scheduler's
// accounting, so it checks the scheduler against what a thread actually gets.
struct Spinner {
    static constexpr uint64_t own_gap_limit_ns = 20'000;
    bool stop;
    uint64_t on_cpu_ns;
    uint64_t iterations;
    uint64_t cpus_seen; // bit per CPU index

    static void run(void* argument)
    {
        Spinner& self = *static_cast<Spinner*>(argument);
        uint64_t last = now();
        while (!load(self.stop)) {
            uint64_t t = now();
            if (t - last < own_gap_limit_ns)
                store(self.on_cpu_ns, self.on_cpu_ns + (t - last));
            last = t;
            store(self.iterations, self.iterations + 1);
            store(self.cpus_seen, self.cpus_seen | (uint64_t(1) << arch::current_cpu_index()));
        }
    }
};

// The median of an array (sorted in place).
inline uint64_t median(uint64_t* values, size_t count)
{
    heap_sort(Span<uint64_t>(values, count), [](uint64_t a, uint64_t b) { return a < b; });
    return values[count / 2];
}

} // namespace gehri::ktest

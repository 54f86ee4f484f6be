// Real kernel threads: context switches, yields, exits, sleeps and waits, on heap-allocated
// KernelThreads (guarded stacks). Interrupts are live and the scheduler preemptive; the tests
// that check an exact interleaving pin their threads to one CPU and turn interrupts off in
// them, which makes that CPU cooperative again. SmpTests.cpp covers preemption across CPUs.
#include <kernel/arch/Cpu.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/sched/KernelThread.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using sched::CpuMask;
using sched::kernel_scheduler;
using sched::KernelThread;
using sched::Thread;
using sched::ThreadOptions;
using sched::ThreadState;

// Spawns a thread (failing the test if it cannot), pinned to the calling thread's CPU.
OwnPtr<KernelThread> spawn_here(ThreadOptions options, sched::ThreadEntry entry, void* argument)
{
    options.affinity = CpuMask::only(arch::current_cpu_index());
    auto thread = KernelThread::spawn(options, entry, argument);
    EXPECT(thread.is_ok());
    return thread.is_ok() ? thread.release_value() : OwnPtr<KernelThread> {};
}

void join_all(OwnPtr<KernelThread>* threads, size_t count)
{
    for (size_t i = 0; i < count; ++i) {
        if (threads[i])
            EXPECT(threads[i]->join().is_ok());
    }
}

// --- Interleaving ---------------------------------------------------------------------------

constexpr int interleave_threads = 3;
constexpr int interleave_rounds = 20;

// Each thread logs its number once per round and `exit_mark + number` when it leaves.
constexpr int exit_mark = 100;

struct InterleaveState {
    int log[interleave_threads * (interleave_rounds + 1)];
    int length;
    int spawned; // set before any worker runs
    int started; // workers past the point where interrupts are off for good
    int finished; // workers that logged their exit mark
    uint64_t checksum[interleave_threads];
    bool on_own_stack[interleave_threads];
    Thread* threads[interleave_threads];
};
InterleaveState s_interleave;
sched::WaitQueue s_interleave_finished; // the test waits here until every worker has finished

void interleave_worker(void* argument)
{
    int me = static_cast<int>(reinterpret_cast<uintptr_t>(argument));
    // No timer preemption: only the yields below switch this CPU. Interrupts stay off to the
    // end, exit included: a tick taken after the exit mark could preempt this thread, and
    // whoever yields next could hand the CPU to it (a thread that logs nothing), then get it
    // back and log twice in a row. The scheduler's exit does not need them.
    arch::disable_interrupts();
    // A thread's start turns interrupts on (on_thread_first_run), so a tick pending since
    // the others ran can preempt a worker before it gets here. Nobody logs until every
    // worker is past that point: such a preemption could otherwise hand the CPU straight
    // back to a worker that had just yielded.
    ++s_interleave.started;
    while (s_interleave.started < s_interleave.spawned)
        kernel_scheduler().yield();
    // Kept in registers and on this stack across every switch; wrong if a switch loses state.
    uint64_t checksum = 0;
    uint64_t mixer = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(me + 1);
    for (int round = 0; round < interleave_rounds; ++round) {
        s_interleave.log[s_interleave.length++] = me;
        checksum = checksum * 31 + mixer + static_cast<uint64_t>(round);
        kernel_scheduler().yield();
    }
    s_interleave.checksum[me] = checksum;
    s_interleave.log[s_interleave.length++] = exit_mark + me;
    int local = 0;
    s_interleave.on_own_stack[me] = s_interleave.threads[me]->stack().contains(reinterpret_cast<uintptr_t>(&local));
    if (__atomic_add_fetch(&s_interleave.finished, 1, __ATOMIC_RELEASE) == s_interleave.spawned)
        kernel_scheduler().wake_all(s_interleave_finished);
}

uint64_t expected_checksum(int me)
{
    uint64_t checksum = 0;
    uint64_t mixer = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(me + 1);
    for (int round = 0; round < interleave_rounds; ++round)
        checksum = checksum * 31 + mixer + static_cast<uint64_t>(round);
    return checksum;
}

} // namespace

KERNEL_TEST(sched_threads_interleave_and_exit)
{
    s_interleave = {};
    OwnPtr<KernelThread> workers[interleave_threads];
    // The workers must all exist before the first one runs (main would take the turns of the
    // missing ones), and main must not take turns either: it is not preempted until it blocks,
    // and it blocks until every worker has finished. Joining them one by one instead would
    // wake it when the first joined worker exits, possibly while the others still take turns.
    arch::InterruptState interrupts = arch::save_and_disable_interrupts();
    const char* names[] = { "worker-a", "worker-b", "worker-c" };
    for (int i = 0; i < interleave_threads; ++i) {
        workers[i] = spawn_here({ .name = names[i] }, interleave_worker, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
        s_interleave.threads[i] = workers[i] ? &workers[i]->thread() : nullptr;
    }
    for (Thread* thread : s_interleave.threads)
        s_interleave.spawned += thread ? 1 : 0;
    auto finished = kernel_scheduler().wait_until(s_interleave_finished,
        [] { return __atomic_load_n(&s_interleave.finished, __ATOMIC_ACQUIRE) == s_interleave.spawned; });
    EXPECT(finished.is_ok());
    join_all(workers, interleave_threads);
    arch::restore_interrupts(interrupts);
    for (Thread* thread : s_interleave.threads) {
        if (!thread)
            return;
    }
    Thread* threads[] = { s_interleave.threads[0], s_interleave.threads[1], s_interleave.threads[2] };

    EXPECT_EQ(s_interleave.length, interleave_threads * (interleave_rounds + 1));
    int counts[interleave_threads] = {};
    bool exited[interleave_threads] = {};
    for (int i = 0; i < s_interleave.length; ++i) {
        int entry = s_interleave.log[i];
        if (entry >= exit_mark) {
            exited[entry - exit_mark] = true;
            continue;
        }
        // Interleaving: a yield always hands the CPU to another runnable thread, so the same
        // thread logs twice in a row only when every other thread has already exited.
        if (i > 0 && s_interleave.log[i - 1] == entry) {
            for (int other = 0; other < interleave_threads; ++other)
                EXPECT(other == entry || exited[other]);
        }
        ++counts[entry];
    }
    for (int i = 0; i < interleave_threads; ++i) {
        EXPECT_EQ(counts[i], interleave_rounds);
        EXPECT(exited[i]);
        EXPECT_EQ(s_interleave.checksum[i], expected_checksum(i));
        EXPECT(s_interleave.on_own_stack[i]);
        EXPECT(threads[i]->state() == ThreadState::Dead);
        EXPECT(threads[i]->is_reapable());
        EXPECT(threads[i]->times_scheduled() >= static_cast<uint64_t>(interleave_rounds));
    }
    // Distinct, increasing ids.
    EXPECT(threads[0]->id() < threads[1]->id() && threads[1]->id() < threads[2]->id());
}

// --- Sleeping -------------------------------------------------------------------------------

namespace {

struct SleepState {
    int order[3];
    int woken;
    uint64_t duration_unit;
    uint64_t late_by[3];
};
SleepState s_sleep;

void sleeper(void* argument)
{
    int me = static_cast<int>(reinterpret_cast<uintptr_t>(argument));
    static constexpr int multiples[] = { 3, 1, 2 };
    uint64_t deadline = kernel_scheduler().platform().now_ns() + multiples[me] * s_sleep.duration_unit;
    kernel_scheduler().sleep_until(deadline);
    s_sleep.late_by[me] = kernel_scheduler().platform().now_ns() - deadline;
    s_sleep.order[s_sleep.woken++] = me;
}

} // namespace

KERNEL_TEST(sched_sleepers_wake_in_deadline_order)
{
    s_sleep = {};
    s_sleep.duration_unit = 2'000'000; // 2 ms
    // If the host stalls QEMU, several sleepers can expire at one tick and then run in class
    // order. The classes follow the deadlines, so the order observed is the deadline order
    // either way (the host tests check the expiry order itself, at every deadline).
    OwnPtr<KernelThread> sleepers[3];
    sleepers[0] = spawn_here({ .name = "sleep-3", .priority_class = sched::PriorityClass::Batch }, sleeper, reinterpret_cast<void*>(0));
    sleepers[1] = spawn_here({ .name = "sleep-1", .priority_class = sched::PriorityClass::Interactive }, sleeper, reinterpret_cast<void*>(1));
    sleepers[2] = spawn_here({ .name = "sleep-2", .priority_class = sched::PriorityClass::Normal }, sleeper, reinterpret_cast<void*>(2));
    join_all(sleepers, 3);
    EXPECT_EQ(s_sleep.woken, 3);
    EXPECT_EQ(s_sleep.order[0], 1);
    EXPECT_EQ(s_sleep.order[1], 2);
    EXPECT_EQ(s_sleep.order[2], 0);
    // None woke early (late_by would have wrapped to a huge number).
    for (uint64_t late : s_sleep.late_by)
        EXPECT(late < 1'000'000'000ull);
}

// --- Waiting --------------------------------------------------------------------------------

namespace {

// A single-producer single-consumer ring: the count is the only shared variable and carries
// the hand-over (release when publishing, acquire when taking), so producer and consumer may
// run on different CPUs.
struct Channel {
    sched::WaitQueue not_empty;
    sched::WaitQueue not_full;
    int slots[4];
    int head;
    int count;
    int consumed_sum;
    int consumed;
    uint32_t producer_cpus; // bit per CPU the thread was seen on
    uint32_t consumer_cpus;
};
Channel* s_channel;
constexpr int channel_items = 200;

int count_of(Channel& channel) { return __atomic_load_n(&channel.count, __ATOMIC_ACQUIRE); }

void producer(void*)
{
    Channel& channel = *s_channel;
    int tail = 0;
    for (int item = 1; item <= channel_items; ++item) {
        auto result = kernel_scheduler().wait_until(channel.not_full, [&] { return count_of(channel) < 4; });
        if (result.is_error())
            return;
        channel.producer_cpus |= 1u << (arch::current_cpu_index() % 32);
        channel.slots[tail] = item;
        tail = (tail + 1) % 4;
        __atomic_fetch_add(&channel.count, 1, __ATOMIC_RELEASE);
        kernel_scheduler().wake_one(channel.not_empty);
    }
}

void consumer(void*)
{
    Channel& channel = *s_channel;
    while (channel.consumed < channel_items) {
        auto result = kernel_scheduler().wait_until(channel.not_empty, [&] { return count_of(channel) > 0; });
        if (result.is_error())
            return;
        channel.consumer_cpus |= 1u << (arch::current_cpu_index() % 32);
        channel.consumed_sum += channel.slots[channel.head];
        channel.head = (channel.head + 1) % 4;
        ++channel.consumed;
        __atomic_fetch_sub(&channel.count, 1, __ATOMIC_RELEASE);
        kernel_scheduler().wake_one(channel.not_full);
    }
}

} // namespace

KERNEL_TEST(sched_wait_queues_pass_items_between_threads)
{
    // On two CPUs when there are two: every hand-over is then a cross-CPU wake-up.
    CpuMask online = kernel_scheduler().online_cpus();
    uint32_t here = arch::current_cpu_index();
    uint32_t other = here;
    for (uint32_t cpu = 0; cpu < sched::max_cpus; ++cpu) {
        if (cpu != here && online.contains(cpu)) {
            other = cpu;
            break;
        }
    }
    Channel channel {};
    s_channel = &channel;
    auto consuming = KernelThread::spawn({ .name = "consumer", .affinity = CpuMask::only(here) }, consumer, nullptr);
    auto producing = KernelThread::spawn({ .name = "producer", .priority_class = sched::PriorityClass::Batch, .affinity = CpuMask::only(other) }, producer, nullptr);
    EXPECT(consuming.is_ok() && producing.is_ok());
    if (producing.is_ok())
        EXPECT(producing.value()->join().is_ok());
    if (consuming.is_ok())
        EXPECT(consuming.value()->join().is_ok());
    EXPECT_EQ(channel.consumed, channel_items);
    EXPECT_EQ(channel.consumed_sum, channel_items * (channel_items + 1) / 2);
    EXPECT_EQ(channel.count, 0);
    EXPECT_EQ(channel.producer_cpus, 1u << (other % 32));
    EXPECT_EQ(channel.consumer_cpus, 1u << (here % 32));

    // A wait whose condition never comes true ends at its deadline.
    sched::WaitQueue never;
    uint64_t deadline = kernel_scheduler().platform().now_ns() + 1'000'000;
    auto result = kernel_scheduler().wait_until(never, [] { return false; }, deadline);
    EXPECT(result.is_error() && result.error() == Error::TimedOut);
    EXPECT(kernel_scheduler().platform().now_ns() >= deadline);
}

} // namespace gehri

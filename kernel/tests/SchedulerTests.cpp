// Real kernel threads on the boot CPU: context switches, yields, exits, sleeps and waits.
// Stacks are static arrays until mm's KernelStack (guard pages) is merged. Interrupts are off
// (no timer yet), so everything here is cooperative and the idle loop polls the timers.
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using sched::BorrowedStack;
using sched::kernel_scheduler;
using sched::Thread;
using sched::ThreadOptions;
using sched::ThreadState;
using sched::ThreadWithStack;
using KernelTestThread = ThreadWithStack<BorrowedStack>;

constexpr size_t test_stack_size = 16 * 1024;
alignas(16) uint8_t s_stacks[4][test_stack_size];

// --- Interleaving ---------------------------------------------------------------------------

constexpr int interleave_threads = 3;
constexpr int interleave_rounds = 20;

// Each thread logs its number once per round and `exit_mark + number` when it leaves.
constexpr int exit_mark = 100;

struct InterleaveState {
    int log[interleave_threads * (interleave_rounds + 1)];
    int length;
    uint64_t checksum[interleave_threads];
    bool on_own_stack[interleave_threads];
    Thread* threads[interleave_threads];
};
InterleaveState s_interleave;

void interleave_worker(void* argument)
{
    int me = static_cast<int>(reinterpret_cast<uintptr_t>(argument));
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
    KernelTestThread a({ .name = "worker-a" }, BorrowedStack(s_stacks[0]), interleave_worker, reinterpret_cast<void*>(0));
    KernelTestThread b({ .name = "worker-b" }, BorrowedStack(s_stacks[1]), interleave_worker, reinterpret_cast<void*>(1));
    KernelTestThread c({ .name = "worker-c" }, BorrowedStack(s_stacks[2]), interleave_worker, reinterpret_cast<void*>(2));
    Thread* threads[] = { &a, &b, &c };
    for (int i = 0; i < interleave_threads; ++i) {
        s_interleave.threads[i] = threads[i];
        EXPECT(kernel_scheduler().start(*threads[i]).is_ok());
    }
    for (Thread* thread : threads)
        EXPECT(kernel_scheduler().join(*thread).is_ok());

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
    EXPECT(a.id() < b.id() && b.id() < c.id());
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
    // The clock is the raw TSC until the timer subsystem calibrates it: a unit of 2M cycles.
    s_sleep.duration_unit = 2'000'000;
    // Until the timer interrupt exists the idle loop polls the timers; if the host stalls QEMU,
    // several sleepers can expire in one poll and then run in class order. The classes follow
    // the deadlines, so the order observed is the deadline order either way (the host tests
    // check the expiry order itself, at every deadline).
    KernelTestThread t0({ .name = "sleep-3", .priority_class = sched::PriorityClass::Batch }, BorrowedStack(s_stacks[0]), sleeper, reinterpret_cast<void*>(0));
    KernelTestThread t1({ .name = "sleep-1", .priority_class = sched::PriorityClass::Interactive }, BorrowedStack(s_stacks[1]), sleeper, reinterpret_cast<void*>(1));
    KernelTestThread t2({ .name = "sleep-2", .priority_class = sched::PriorityClass::Normal }, BorrowedStack(s_stacks[2]), sleeper, reinterpret_cast<void*>(2));
    Thread* threads[] = { &t0, &t1, &t2 };
    for (Thread* thread : threads)
        EXPECT(kernel_scheduler().start(*thread).is_ok());
    for (Thread* thread : threads)
        EXPECT(kernel_scheduler().join(*thread).is_ok());
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

struct Channel {
    sched::WaitQueue not_empty;
    sched::WaitQueue not_full;
    int slots[4];
    int head;
    int count;
    int consumed_sum;
    int consumed;
};
Channel* s_channel;
constexpr int channel_items = 200;

void producer(void*)
{
    Channel& channel = *s_channel;
    for (int item = 1; item <= channel_items; ++item) {
        auto result = kernel_scheduler().wait_until(channel.not_full, [&] { return channel.count < 4; });
        if (result.is_error())
            return;
        channel.slots[(channel.head + channel.count) % 4] = item;
        ++channel.count;
        kernel_scheduler().wake_one(channel.not_empty);
    }
}

void consumer(void*)
{
    Channel& channel = *s_channel;
    while (channel.consumed < channel_items) {
        auto result = kernel_scheduler().wait_until(channel.not_empty, [&] { return channel.count > 0; });
        if (result.is_error())
            return;
        channel.consumed_sum += channel.slots[channel.head];
        channel.head = (channel.head + 1) % 4;
        --channel.count;
        ++channel.consumed;
        kernel_scheduler().wake_one(channel.not_full);
    }
}

} // namespace

KERNEL_TEST(sched_wait_queues_pass_items_between_threads)
{
    Channel channel {};
    s_channel = &channel;
    KernelTestThread consuming({ .name = "consumer" }, BorrowedStack(s_stacks[0]), consumer, nullptr);
    KernelTestThread producing({ .name = "producer", .priority_class = sched::PriorityClass::Batch }, BorrowedStack(s_stacks[1]), producer, nullptr);
    EXPECT(kernel_scheduler().start(consuming).is_ok());
    EXPECT(kernel_scheduler().start(producing).is_ok());
    EXPECT(kernel_scheduler().join(producing).is_ok());
    EXPECT(kernel_scheduler().join(consuming).is_ok());
    EXPECT_EQ(channel.consumed, channel_items);
    EXPECT_EQ(channel.consumed_sum, channel_items * (channel_items + 1) / 2);
    EXPECT_EQ(channel.count, 0);

    // A wait whose condition never comes true ends at its deadline.
    sched::WaitQueue never;
    uint64_t deadline = kernel_scheduler().platform().now_ns() + 1'000'000;
    auto result = kernel_scheduler().wait_until(never, [] { return false; }, deadline);
    EXPECT(result.is_error() && result.error() == Error::TimedOut);
    EXPECT(kernel_scheduler().platform().now_ns() >= deadline);
}

} // namespace gehri

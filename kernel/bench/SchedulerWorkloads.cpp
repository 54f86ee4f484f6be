// Timed with the TSC, which under `-icount shift=0` counts guest instructions. The calling
// thread (kernel_main) only starts and joins the two workers, so they run in the same class
// whatever the caller's class is.
#include <kernel/arch/Cpu.h>
#include <kernel/bench/Report.h>
#include <kernel/bench/SchedulerWorkloads.h>
#include <kernel/log/Panic.h>
#include <kernel/sched/KernelScheduler.h>
#include <string.h>

namespace gehri::bench {

namespace {

using sched::BorrowedStack;
using sched::kernel_scheduler;
using BenchThread = sched::ThreadWithStack<BorrowedStack>;

constexpr uint64_t warm_up_rounds = 100;
constexpr uint64_t measured_rounds = 20'000;
constexpr size_t message_size = 64;
alignas(16) uint8_t s_stacks[2][16 * 1024];

// Starts `first` and `second` as two threads and waits until both have ended.
void run_pair(void (*first)(void*), void (*second)(void*))
{
    BenchThread a({ .name = "bench-a" }, BorrowedStack(s_stacks[0]), first, nullptr);
    BenchThread b({ .name = "bench-b" }, BorrowedStack(s_stacks[1]), second, nullptr);
    VERIFY(kernel_scheduler().start(a).is_ok());
    VERIFY(kernel_scheduler().start(b).is_ok());
    VERIFY(kernel_scheduler().join(a).is_ok());
    VERIFY(kernel_scheduler().join(b).is_ok());
}

// --- Yield ping-pong ----------------------------------------------------------------------------

struct YieldTimes {
    uint64_t started;
    uint64_t finished;
};
YieldTimes s_yield;

void yield_rounds(uint64_t rounds)
{
    for (uint64_t i = 0; i < rounds; ++i)
        kernel_scheduler().yield();
}

void yielder_first(void*)
{
    yield_rounds(warm_up_rounds);
    s_yield.started = arch::read_timestamp_counter();
    yield_rounds(measured_rounds);
}

void yielder_second(void*)
{
    yield_rounds(warm_up_rounds + measured_rounds);
    // The second thread yields last: its final yield switches to the first, which then exits.
    s_yield.finished = arch::read_timestamp_counter();
}

// --- Mailbox ping-pong ------------------------------------------------------------------------

struct Mailbox {
    sched::WaitQueue queue;
    bool full { false };
    uint8_t message[message_size];
};

struct MailboxPair {
    Mailbox request;
    Mailbox reply;
    uint64_t started;
    uint64_t finished;
};
MailboxPair* s_mailboxes;

void send(Mailbox& box, const uint8_t* message)
{
    memcpy(box.message, message, message_size);
    __atomic_store_n(&box.full, true, __ATOMIC_RELEASE);
    kernel_scheduler().wake_one(box.queue);
}

void receive(Mailbox& box, uint8_t* message)
{
    VERIFY(kernel_scheduler().wait_until(box.queue, [&box] { return __atomic_load_n(&box.full, __ATOMIC_ACQUIRE); }).is_ok());
    memcpy(message, box.message, message_size);
    __atomic_store_n(&box.full, false, __ATOMIC_RELEASE);
}

void round_trips(uint64_t rounds)
{
    uint8_t message[message_size];
    memset(message, 'p', sizeof(message));
    for (uint64_t i = 0; i < rounds; ++i) {
        send(s_mailboxes->request, message);
        receive(s_mailboxes->reply, message);
    }
}

void requester(void*)
{
    round_trips(warm_up_rounds);
    s_mailboxes->started = arch::read_timestamp_counter();
    round_trips(measured_rounds);
    s_mailboxes->finished = arch::read_timestamp_counter();
}

void responder(void*)
{
    uint8_t message[message_size];
    for (uint64_t i = 0; i < warm_up_rounds + measured_rounds; ++i) {
        receive(s_mailboxes->request, message);
        send(s_mailboxes->reply, message);
    }
}

} // namespace

void kernel_thread_switch()
{
    s_yield = {};
    run_pair(yielder_first, yielder_second);
    // Both threads yield `measured_rounds` times in the window: two switches per round.
    report_instructions("kernel_thread_switch", s_yield.finished - s_yield.started, 2 * measured_rounds,
        "between=kernel-threads via=scheduler-yield");
}

void kernel_waitqueue_rtt()
{
    MailboxPair mailboxes;
    s_mailboxes = &mailboxes;
    run_pair(requester, responder);
    s_mailboxes = nullptr;
    report_instructions("kernel_waitqueue_rtt", mailboxes.finished - mailboxes.started, measured_rounds,
        "bytes=64 between=kernel-threads via=wait-queue");
}

} // namespace gehri::bench

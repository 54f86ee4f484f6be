#include <kernel/agent/Reaper.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::agent {

namespace {

using ReaperThread = sched::ThreadWithStack<mm::KernelStack>;

object::Thread* s_dead_threads = nullptr; // a lock-free stack linked through next_to_reap
sched::WaitQueue s_reaper_wakeup;
ReaperThread* s_reaper = nullptr;
uint64_t s_reaped = 0;
uint64_t s_handed_over = 0;

object::Thread* take_all() { return __atomic_exchange_n(&s_dead_threads, nullptr, __ATOMIC_ACQUIRE); }

void reap(object::Thread& thread)
{
    auto joined = sched::kernel_scheduler().join(thread.kernel_thread());
    VERIFY(joined.is_ok());
    thread.finish_reaping();
    thread.unref();
    // Counted last: once the count says so, the thread's stack (and its agent, if this was
    // the last reference) is freed.
    __atomic_fetch_add(&s_reaped, 1, __ATOMIC_RELEASE);
}

[[noreturn]] void run_reaper(void*)
{
    auto& scheduler = sched::kernel_scheduler();
    for (;;) {
        (void)scheduler.wait_until(s_reaper_wakeup, [] { return __atomic_load_n(&s_dead_threads, __ATOMIC_ACQUIRE) != nullptr; });
        object::Thread* thread = take_all();
        while (thread != nullptr) {
            object::Thread* next = thread->next_to_reap;
            thread->next_to_reap = nullptr;
            reap(*thread);
            thread = next;
        }
    }
}

} // namespace

Result<void> start_reaper()
{
    VERIFY(s_reaper == nullptr);
    auto stack = TRY(mm::KernelStack::create());
    sched::ThreadOptions options { .name = "reaper" };
    auto reaper = TRY(make_owned<ReaperThread>(options, std::move(stack), run_reaper, nullptr));
    TRY(sched::kernel_scheduler().start(*reaper));
    s_reaper = reaper.leak(); // runs for as long as the system does
    return {};
}

void reap_later(object::Thread& thread)
{
    __atomic_fetch_add(&s_handed_over, 1, __ATOMIC_RELAXED);
    object::Thread* head = __atomic_load_n(&s_dead_threads, __ATOMIC_RELAXED);
    do {
        thread.next_to_reap = head;
    } while (!__atomic_compare_exchange_n(&s_dead_threads, &head, &thread, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
    sched::kernel_scheduler().wake_one(s_reaper_wakeup);
}

uint64_t reaped_thread_count() { return __atomic_load_n(&s_reaped, __ATOMIC_ACQUIRE); }

uint64_t threads_awaiting_reaper()
{
    uint64_t reaped = reaped_thread_count();
    return __atomic_load_n(&s_handed_over, __ATOMIC_RELAXED) - reaped;
}

} // namespace gehri::agent

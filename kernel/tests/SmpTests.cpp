// Multiprocessor bring-up and what it promises: every CPU online with its own per-CPU data,
// threads running on all CPUs at once, load balancing, TLB shootdowns, tickless idle CPUs,
// and kernel threads on guarded heap stacks. Meant for -smp 2..8; on one CPU the cross-CPU
// parts degenerate to what one CPU can show.
#include <kernel/acpi/CpuList.h>
#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Platform.h>
#include <kernel/arch/x86_64/Preemption.h>
#include <kernel/arch/x86_64/Smp.h>
#include <kernel/arch/x86_64/TlbShootdown.h>
#include <kernel/log/Log.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/tests/ThreadTestSupport.h>

namespace gehri {

using namespace ktest;
using sched::CpuMask;
using sched::kernel_scheduler;
using sched::KernelThread;
using sched::PriorityClass;
using sched::Thread;
using sched::ThreadState;

KERNEL_TEST(smp_every_listed_cpu_is_online)
{
    const arch::SmpSummary& smp = arch::smp_summary();
    EXPECT_EQ(smp.listed, static_cast<uint32_t>(acpi::cpus().count()));
    EXPECT_EQ(smp.online, smp.listed);
    uint32_t expected = arch::platform_summary().expected_cpus;
    if (expected != 0)
        EXPECT_EQ(smp.online, expected);
    CpuMask online = kernel_scheduler().online_cpus();
    EXPECT_EQ(online.count(), smp.online);
    for (uint32_t cpu = 0; cpu < smp.online; ++cpu) {
        EXPECT(online.contains(cpu));
        // Per-CPU data and tables, indexed the same way; the APIC id is the MADT's.
        const arch::CpuLocal& local = arch::cpu_local(cpu);
        EXPECT(local.self == &local);
        EXPECT_EQ(local.index, cpu);
        EXPECT_EQ(local.apic_id, acpi::cpus().apic_id(cpu));
        EXPECT(arch::CpuTables::for_cpu(cpu) != nullptr);
    }
}

KERNEL_TEST(smp_per_cpu_data_is_this_cpus)
{
    arch::InterruptState interrupts = arch::save_and_disable_interrupts();
    EXPECT_EQ(arch::this_cpu().apic_id, arch::lapic::id());
    EXPECT_EQ(arch::current_cpu_index(), arch::this_cpu().index);
    EXPECT_EQ(kernel_scheduler().platform().current_cpu(), arch::this_cpu().index);
    // Spinlocks raise the preempt count while held.
    uint32_t before = arch::preempt_count();
    Spinlock lock;
    {
        LockGuard guard(lock);
        EXPECT_EQ(arch::preempt_count(), before + 1);
    }
    EXPECT_EQ(arch::preempt_count(), before);
    arch::restore_interrupts(interrupts);
    EXPECT_EQ(before, 0u); // a test thread holds no lock
}

// --- All CPUs at once ---------------------------------------------------------------------

namespace {

struct Concurrency {
    uint32_t count;
    Thread* threads[sched::max_cpus];
    uint32_t cpu_of[sched::max_cpus];
    bool seen;
    uint64_t deadline;
};
Concurrency s_concurrency;

// At this moment every worker is the running thread of a different CPU, by the scheduler's
// books and by the CPU each last saw itself on.
bool all_running_on_distinct_cpus()
{
    uint64_t cpus = 0;
    for (uint32_t i = 0; i < s_concurrency.count; ++i) {
        Thread* thread = load(s_concurrency.threads[i]);
        if (!thread || thread->state() != ThreadState::Running)
            return false;
        uint32_t cpu = load(s_concurrency.cpu_of[i]);
        if (thread->cpu() != cpu || (cpus & (uint64_t(1) << cpu)))
            return false;
        cpus |= uint64_t(1) << cpu;
    }
    return true;
}

void concurrency_worker(void* argument)
{
    auto me = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(argument));
    while (!load(s_concurrency.seen) && now() < s_concurrency.deadline) {
        store(s_concurrency.cpu_of[me], arch::current_cpu_index());
        if (all_running_on_distinct_cpus())
            store(s_concurrency.seen, true);
    }
}

} // namespace

KERNEL_TEST(smp_threads_run_on_all_cpus_concurrently)
{
    // One spinning thread per CPU, all started here: balancing must spread them until each
    // CPU runs one, at the same time.
    s_concurrency = {};
    s_concurrency.count = online_cpu_count();
    s_concurrency.deadline = now() + 20'000 * millisecond;
    for (uint32_t i = 0; i < s_concurrency.count; ++i)
        s_concurrency.cpu_of[i] = ~0u;
    OwnPtr<KernelThread> workers[sched::max_cpus];
    for (uint32_t i = 0; i < s_concurrency.count; ++i) {
        workers[i] = spawn_or_fail({ .name = "concurrent" }, concurrency_worker, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
        if (workers[i])
            store(s_concurrency.threads[i], &workers[i]->thread());
    }
    uint64_t started = now();
    for (auto& worker : workers)
        join_or_fail(worker);
    EXPECT(s_concurrency.seen);
    log::info("smp test: {} threads ran on {} CPUs at once after {} us", s_concurrency.count, s_concurrency.count, (now() - started) / 1000);
}

// --- Load balancing -----------------------------------------------------------------------------

KERNEL_TEST(smp_load_balancing_spreads_spinning_threads)
{
    // Twice as many spinners as CPUs, all started on this CPU: balancing must reach one or two
    // on every CPU (it pulls at a difference of two).
    uint32_t cpus = online_cpu_count();
    uint32_t count = 2 * cpus;
    Spinner spinners[2 * sched::max_cpus] {};
    OwnPtr<KernelThread> threads[2 * sched::max_cpus];
    for (uint32_t i = 0; i < count; ++i)
        threads[i] = spawn_or_fail({ .name = "balance-spin" }, Spinner::run, &spinners[i]);
    auto balanced = [&] {
        uint32_t per_cpu[sched::max_cpus] = {};
        for (uint32_t i = 0; i < count; ++i) {
            if (!threads[i] || load(spinners[i].iterations) == 0)
                return false; // every spinner has run, wherever it is
            ++per_cpu[threads[i]->thread().cpu()];
        }
        uint32_t fewest = ~0u, most = 0;
        for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
            fewest = per_cpu[cpu] < fewest ? per_cpu[cpu] : fewest;
            most = per_cpu[cpu] > most ? per_cpu[cpu] : most;
        }
        return fewest >= 1 && most - fewest <= 1;
    };
    uint64_t started = now();
    bool spread = sleep_until_true(balanced, 20'000 * millisecond);
    uint64_t took = now() - started;
    if (!spread) {
        // Say where they stand: a stuck imbalance and a slow spread look alike otherwise.
        for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
            uint32_t here = 0;
            for (uint32_t i = 0; i < count; ++i)
                here += threads[i] && threads[i]->thread().cpu() == cpu ? 1 : 0;
            log::info("smp test: CPU {} has {} spinners, {} runnable", cpu, here, kernel_scheduler().run_queue(cpu).nr_running());
        }
    }
    uint64_t cpus_used = 0;
    for (uint32_t i = 0; i < count; ++i) {
        store(spinners[i].stop, true);
        join_or_fail(threads[i]);
        cpus_used |= spinners[i].cpus_seen;
        EXPECT(spinners[i].iterations > 0);
    }
    EXPECT(spread);
    EXPECT_EQ(static_cast<uint32_t>(__builtin_popcountll(cpus_used)), cpus);
    log::info("smp test: {} spinners spread over {} CPUs in {} us", count, cpus, took / 1000);
}

// --- TLB shootdown ------------------------------------------------------------------------

namespace {

constexpr mm::VirtualAddress shootdown_page = 0xfffffe8040000000; // PML4 509: test scratch space

struct Shootdown {
    int step; // 1: read it (cache the translation); 2: read again after the unmap
    bool first_read_ok;
    uint64_t first_value;
    bool second_read_ok;
    uint64_t served_before;
    uint64_t served_after;
};
Shootdown s_shootdown;

void wait_for_step(int step)
{
    while (load(s_shootdown.step) < step)
        arch::cpu_relax();
}

void shootdown_reader(void*)
{
    auto* address = reinterpret_cast<const uint64_t*>(shootdown_page);
    wait_for_step(1);
    s_shootdown.served_before = arch::tlb_shootdowns_served_here();
    s_shootdown.first_read_ok = probe_read_u64(address, &s_shootdown.first_value);
    store(s_shootdown.step, 2);
    wait_for_step(3);
    uint64_t value = 0;
    s_shootdown.second_read_ok = probe_read_u64(address, &value);
    s_shootdown.served_after = arch::tlb_shootdowns_served_here();
    store(s_shootdown.step, 4);
}

} // namespace

KERNEL_TEST(smp_unmap_shoots_down_other_cpus_tlbs)
{
    // A thread on another CPU caches the page's translation; after the unmap here it must
    // fault. Without a shootdown its TLB would still hold the page (TCG models per-CPU TLBs).
    uint32_t target = other_cpu();
    if (target == arch::current_cpu_index()) {
        log::info("smp test: one CPU, no remote TLB to shoot down");
        return;
    }
    s_shootdown = {};
    auto frame = mm::PhysicalMemory::the().allocate(0);
    EXPECT(frame.is_ok());
    if (frame.is_error())
        return;
    *mm::physical_to_virtual<uint64_t>(frame.value()) = 0x5ca1ab1e;
    auto& kernel = mm::AddressSpace::kernel();
    EXPECT(kernel.map(shootdown_page, frame.value(), mm::PageFlags::Writable | mm::PageFlags::NoExecute).is_ok());
    auto reader = spawn_or_fail({ .name = "tlb-reader", .affinity = CpuMask::only(target) }, shootdown_reader, nullptr);
    store(s_shootdown.step, 1);
    EXPECT(sleep_until_true([] { return load(s_shootdown.step) >= 2; }, 10'000 * millisecond));
    auto unmapped = kernel.unmap(shootdown_page);
    EXPECT(unmapped.is_ok());
    store(s_shootdown.step, 3);
    EXPECT(sleep_until_true([] { return load(s_shootdown.step) >= 4; }, 10'000 * millisecond));
    join_or_fail(reader);
    mm::PhysicalMemory::the().free(frame.value());
    EXPECT(s_shootdown.first_read_ok);
    EXPECT_EQ(s_shootdown.first_value, 0x5ca1ab1eu);
    EXPECT(!s_shootdown.second_read_ok);
    EXPECT(s_shootdown.served_after > s_shootdown.served_before);
}

// --- Tickless idle ------------------------------------------------------------------------

KERNEL_TEST(smp_idle_cpus_are_tickless_and_busy_ones_tick)
{
    // Every other CPU is idle now (the earlier tests joined their threads): in 100 ms an idle
    // CPU wakes only to look for work (every idle_poll_ns), not at each 1 ms tick.
    uint32_t cpus = online_cpu_count();
    uint32_t here = arch::current_cpu_index();
    uint64_t before[sched::max_cpus];
    for (uint32_t cpu = 0; cpu < cpus; ++cpu)
        before[cpu] = load(arch::cpu_local(cpu).timer_interrupts);
    uint64_t started = now();
    kernel_scheduler().sleep_for(100 * millisecond);
    uint64_t elapsed = now() - started;
    uint64_t idle_limit = elapsed / arch::idle_poll_ns + 10;
    for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
        uint64_t ticks = load(arch::cpu_local(cpu).timer_interrupts) - before[cpu];
        if (cpu != here)
            EXPECT(ticks <= idle_limit);
    }

    // A busy CPU takes the periodic tick. Ticks can be late or merged under a busy host (QEMU
    // coalesces the ones a descheduled vCPU missed), never invented: at most one per period.
    uint32_t target = other_cpu();
    Spinner spinner {};
    auto busy = spawn_or_fail({ .name = "ticked", .affinity = CpuMask::only(target) }, Spinner::run, &spinner);
    sleep_until_true([&] { return load(spinner.iterations) > 0; }, 10'000 * millisecond);
    uint64_t ticks_before = load(arch::cpu_local(target).timer_interrupts);
    started = now();
    kernel_scheduler().sleep_for(100 * millisecond);
    elapsed = now() - started;
    uint64_t ticks = load(arch::cpu_local(target).timer_interrupts) - ticks_before;
    store(spinner.stop, true);
    join_or_fail(busy);
    log::info("smp test: a busy CPU took {} ticks in {} us", ticks, elapsed / 1000);
    EXPECT(ticks >= 1);
    EXPECT(ticks <= elapsed / arch::tick_ns + 2);
}

// --- Kernel threads ---------------------------------------------------------------------------

namespace {

struct Echo {
    PriorityClass priority_class;
    uint32_t weight;
    bool on_own_stack;
    uint64_t stack_top;
};

void echo_worker(void* argument)
{
    auto& echo = *static_cast<Echo*>(argument);
    Thread& self = kernel_scheduler().current_thread();
    echo.priority_class = self.priority_class();
    echo.weight = self.weight();
    int local = 0;
    echo.on_own_stack = self.stack().contains(reinterpret_cast<uintptr_t>(&local));
    echo.stack_top = self.stack().top;
}

void sleepy_worker(void*) { kernel_scheduler().sleep_for(50 * millisecond); }

} // namespace

KERNEL_TEST(sched_kernel_thread_spawn_join_and_reap)
{
    size_t stacks_before = mm::KernelStack::live_count();
    Echo echo {};
    auto thread = spawn_or_fail({ .name = "echo", .priority_class = PriorityClass::Batch, .weight = 333 }, echo_worker, &echo);
    join_or_fail(thread);
    EXPECT(thread && thread->has_ended());
    EXPECT(echo.priority_class == PriorityClass::Batch);
    EXPECT_EQ(echo.weight, 333u);
    EXPECT(echo.on_own_stack);
    // Its stack is a guarded KernelStack in the kernel-stack area, freed with the thread.
    EXPECT(echo.stack_top > mm::kernel_stacks_base && echo.stack_top <= mm::kernel_stacks_base + mm::kernel_stacks_size);
    EXPECT_EQ(mm::KernelStack::live_count(), stacks_before + 1);
    thread = {};
    EXPECT_EQ(mm::KernelStack::live_count(), stacks_before);

    // A join can time out; the thread is still joinable afterwards.
    auto sleepy = spawn_or_fail({ .name = "sleepy" }, sleepy_worker, nullptr);
    if (sleepy) {
        auto early = sleepy->join(now() + millisecond);
        EXPECT(early.is_error() && early.error() == Error::TimedOut);
        EXPECT(sleepy->join().is_ok());
    }
    sleepy = {};

    // Bad parameters fail cleanly, leaving nothing allocated.
    EXPECT_EQ(KernelThread::spawn({ .name = "bad-weight", .weight = 0 }, echo_worker, &echo).error(), Error::InvalidArgument);
    EXPECT_EQ(KernelThread::spawn({ .name = "bad-affinity", .affinity = CpuMask::none() }, echo_worker, &echo).error(), Error::InvalidArgument);
    EXPECT_EQ(KernelThread::spawn({ .name = "no-entry" }, nullptr, nullptr).error(), Error::InvalidArgument);
    EXPECT_EQ(KernelThread::spawn({ .name = "huge-stack" }, echo_worker, &echo, mm::KernelStack::max_size + 1).error(), Error::InvalidArgument);
    EXPECT_EQ(mm::KernelStack::live_count(), stacks_before);
}

// --- current_thread() across migrations --------------------------------------------------

namespace {

struct CurrentChecker {
    Thread* self;
    bool stop;
    uint64_t checks;
    uint64_t wrong;
    uint64_t cpus_seen; // bit per CPU index

    static void run(void* argument)
    {
        auto& checker = *static_cast<CurrentChecker*>(argument);
        while (!load(checker.stop)) {
            // The spawner learns who this thread is only after spawn returns, and the thread may
            // run before that: nothing to compare against until then.
            Thread* self = load(checker.self);
            if (self == nullptr)
                continue;
            if (&kernel_scheduler().current_thread() != self)
                store(checker.wrong, checker.wrong + 1);
            store(checker.checks, checker.checks + 1);
            store(checker.cpus_seen, checker.cpus_seen | (uint64_t(1) << arch::current_cpu_index()));
        }
    }
};

} // namespace

KERNEL_TEST(smp_current_thread_is_right_while_the_thread_migrates)
{
    // A thread asks "who am I" in a loop while its affinity is moved from CPU to CPU: each
    // move is a reschedule IPI that preempts it wherever it is, and it resumes on another
    // CPU. The answer must never be the thread the old CPU runs now (reading the CPU number
    // and then that CPU's current thread with interrupts on once let sys_exit see another
    // thread as itself and panic).
    uint32_t cpus = online_cpu_count();
    if (cpus < 2) {
        log::info("smp test: one CPU, nowhere to migrate");
        return;
    }
    CurrentChecker checker {};
    auto thread = spawn_or_fail({ .name = "whoami", .affinity = CpuMask::only(0) }, CurrentChecker::run, &checker);
    if (!thread)
        return;
    store(checker.self, &thread->thread());
    uint64_t started = now();
    uint32_t moves = 0;
    while (now() - started < 300 * millisecond) {
        uint64_t before = load(checker.checks);
        EXPECT(kernel_scheduler().set_affinity(thread->thread(), CpuMask::only(++moves % cpus)).is_ok());
        // Let it run a little on its new CPU before the next move.
        sleep_until_true([&] { return load(checker.checks) > before + 100; }, 1'000 * millisecond);
    }
    store(checker.stop, true);
    join_or_fail(thread);
    log::info("smp test: current_thread checked {} times over {} moves, {} wrong", load(checker.checks), moves, load(checker.wrong));
    EXPECT_EQ(load(checker.wrong), 0u);
    EXPECT(load(checker.checks) > 0);
    EXPECT(__builtin_popcountll(load(checker.cpus_seen)) >= 2);
}

} // namespace gehri

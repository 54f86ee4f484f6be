// The cost of a context switch between two kernel threads on one CPU, in TSC cycles: the bare
// architectural switch, and a full scheduler yield (accounting, policy, pick, switch). Exact
// (TSC = instructions) under `-icount shift=0,sleep=off`; see docs/scheduler.md.
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/ContextSwitch.h>
#include <kernel/console/Console.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/sched/KernelThread.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using sched::kernel_scheduler;

constexpr uint64_t switch_rounds = 20'000;
// A bare context outside the scheduler: a static stack is all it needs.
alignas(16) uint8_t s_partner_stack[16 * 1024];

uintptr_t s_main_stack_pointer;
uintptr_t s_partner_stack_pointer;
uint64_t s_partner_switches;

[[noreturn]] void bare_partner()
{
    for (;;) {
        ++s_partner_switches;
        gehri_switch_context(&s_partner_stack_pointer, s_main_stack_pointer, nullptr);
    }
}

struct YieldBenchmark {
    uint64_t started;
    uint64_t finished;
    uint64_t yields[2];
};
YieldBenchmark s_yield;

void yielder(void* argument)
{
    int me = static_cast<int>(reinterpret_cast<uintptr_t>(argument));
    // Timer ticks would add their own switches and cost: this measures yields alone.
    arch::InterruptState interrupts = arch::save_and_disable_interrupts();
    if (me == 0)
        s_yield.started = arch::read_timestamp_counter();
    for (uint64_t i = 0; i < switch_rounds; ++i) {
        kernel_scheduler().yield();
        ++s_yield.yields[me];
    }
    s_yield.finished = arch::read_timestamp_counter();
    arch::restore_interrupts(interrupts);
}

} // namespace

KERNEL_TEST(sched_context_switch_cost)
{
    // Bare switch: main <-> partner, 2 switches per round.
    s_partner_switches = 0;
    s_partner_stack_pointer = arch::prepare_function_frame({ reinterpret_cast<uintptr_t>(s_partner_stack), reinterpret_cast<uintptr_t>(s_partner_stack) + sizeof(s_partner_stack) }, bare_partner);
    for (int warm_up = 0; warm_up < 100; ++warm_up)
        gehri_switch_context(&s_main_stack_pointer, s_partner_stack_pointer, nullptr);
    uint64_t start = arch::read_timestamp_counter();
    for (uint64_t i = 0; i < switch_rounds; ++i)
        gehri_switch_context(&s_main_stack_pointer, s_partner_stack_pointer, nullptr);
    uint64_t bare_cycles = (arch::read_timestamp_counter() - start) / (2 * switch_rounds);
    EXPECT_EQ(s_partner_switches, switch_rounds + 100);

    // Scheduler yield between two threads pinned to this CPU (main is blocked in join, and not
    // preempted before: interrupts stay off): one switch per yield.
    s_yield = {};
    uint32_t cpu = arch::current_cpu_index();
    arch::InterruptState interrupts = arch::save_and_disable_interrupts();
    uint64_t switches_before = kernel_scheduler().context_switches(cpu);
    auto ping = sched::KernelThread::spawn({ .name = "ping", .affinity = sched::CpuMask::only(cpu) }, yielder, reinterpret_cast<void*>(0));
    auto pong = sched::KernelThread::spawn({ .name = "pong", .affinity = sched::CpuMask::only(cpu) }, yielder, reinterpret_cast<void*>(1));
    EXPECT(ping.is_ok() && pong.is_ok());
    if (ping.is_ok())
        EXPECT(ping.value()->join().is_ok());
    if (pong.is_ok())
        EXPECT(pong.value()->join().is_ok());
    uint64_t switches = kernel_scheduler().context_switches(cpu) - switches_before;
    arch::restore_interrupts(interrupts);
    EXPECT_EQ(s_yield.yields[0], switch_rounds);
    EXPECT_EQ(s_yield.yields[1], switch_rounds);
    // Every yield switched to the other thread (plus a handful to start, exit and rejoin main).
    EXPECT(switches >= 2 * switch_rounds && switches <= 2 * switch_rounds + 8);
    uint64_t yield_cycles = (s_yield.finished - s_yield.started) / (2 * switch_rounds);

    console::print("[sched] context switch: bare {} TSC cycles, scheduler yield {} TSC cycles per switch ({} switches each)\n",
        bare_cycles, yield_cycles, 2 * switch_rounds);
    EXPECT(bare_cycles > 0 && yield_cycles >= bare_cycles);
}

} // namespace gehri

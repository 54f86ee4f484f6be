#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/ContextSwitch.h>
#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Preemption.h>
#include <kernel/arch/x86_64/SchedulerPlatform.h>
#include <kernel/arch/x86_64/UserContextSwitch.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/time/Clock.h>

extern "C" uint8_t boot_stack_bottom[];
extern "C" uint8_t boot_stack_top[];

namespace gehri::arch {

uint64_t KernelSchedulerPlatform::now_ns()
{
    return m_clock ? m_clock() : read_timestamp_counter();
}

void KernelSchedulerPlatform::prepare_context(sched::Thread& thread)
{
    thread.context().stack_pointer = prepare_thread_frame(thread.stack(), thread.entry(), thread.argument());
}

sched::Thread* KernelSchedulerPlatform::switch_context(sched::Thread& from, sched::Thread& to)
{
    // The scheduler switches holding exactly this CPU's run-queue lock. More means the outgoing
    // thread blocks, sleeps or yields holding a spinlock: the incoming one would inherit the
    // raised preempt count, and whoever waits for that lock could wait forever.
    if (preempt_count() != 1)
        PANIC("thread '{}' switches away holding {} spinlock(s) besides the run-queue lock", from.name(), preempt_count() - 1);
    switch_user_state(from.context(), to.context());
    CpuLocal& cpu = this_cpu();
    // Entries from ring 3 land on the incoming thread's kernel stack: SYSCALL through
    // CpuLocal, interrupts and exceptions through TSS.RSP0.
    cpu.syscall_stack_top = to.stack().top;
    if (auto* tables = CpuTables::for_cpu(cpu.index))
        tables->set_kernel_stack_for_user_entry(to.stack().top);
    if (interrupts_live())
        program_timer_for_switch(from, to, sched::kernel_scheduler().run_queue(cpu.index).timers().next_deadline());
    return gehri_switch_context(&from.context().stack_pointer, to.context().stack_pointer, &from);
}

void KernelSchedulerPlatform::send_reschedule(uint32_t cpu)
{
    if (m_reschedule_sender)
        m_reschedule_sender(cpu);
}

void KernelSchedulerPlatform::idle_wait()
{
    if (!interrupts_live()) {
        // Nothing can interrupt us yet: poll (the idle loop checks the timers each time).
        cpu_relax();
        return;
    }
    // The deadline is read here, after the idle loop fired the due timers.
    program_idle_timer(now_ns(), sched::kernel_scheduler().next_deadline());
    // sti takes effect after the next instruction, so an interrupt that arrives between the
    // idle loop's last check and here still ends the hlt.
    asm volatile("sti; hlt; cli" ::: "memory");
}

namespace {

KernelSchedulerPlatform s_platform;
sched::Scheduler s_scheduler(s_platform);

void run_idle_loop(void*) { s_scheduler.idle_loop(); }

// The boot code becomes the thread "main" on the boot stack (static, with a guard page below
// it). It stays on the boot CPU: boot-time code and the platform tests program that CPU's
// local APIC and timer.
sched::ThreadWithStack<sched::BorrowedStack> s_main_thread(
    { .name = "main", .priority_class = sched::PriorityClass::Normal, .affinity = sched::CpuMask::only(0) },
    sched::BorrowedStack(reinterpret_cast<uintptr_t>(boot_stack_bottom), reinterpret_cast<uintptr_t>(boot_stack_top)),
    nullptr, nullptr);

using IdleThread = sched::ThreadWithStack<mm::KernelStack>;
OwnPtr<IdleThread> s_boot_idle_thread;

} // namespace

KernelSchedulerPlatform& scheduler_platform() { return s_platform; }

} // namespace gehri::arch

namespace gehri::sched {

Scheduler& kernel_scheduler() { return arch::s_scheduler; }

void initialize_on_boot_cpu()
{
    if (time::clock_is_running())
        arch::s_platform.set_clock(time::now_ns);
    arch::s_platform.set_cpu_number(arch::current_cpu_index);
    auto stack = mm::KernelStack::create();
    if (stack.is_error())
        PANIC("sched: no stack for the boot CPU's idle thread ({})", error_name(stack.error()));
    auto idle = make_owned<arch::IdleThread>(ThreadOptions { .name = "idle0", .affinity = CpuMask::only(0) }, stack.release_value(), arch::run_idle_loop, nullptr);
    if (idle.is_error())
        PANIC("sched: no memory for the boot CPU's idle thread");
    arch::s_boot_idle_thread = idle.release_value();
    arch::s_scheduler.bring_up_cpu(0, arch::s_main_thread, *arch::s_boot_idle_thread);
    log::info("sched: boot CPU under the scheduler (main thread {}, idle thread {})", arch::s_main_thread.id(), arch::s_boot_idle_thread->id());
}

} // namespace gehri::sched

extern "C" void gehri_thread_first_run(gehri::sched::Thread* previous)
{
    gehri::arch::s_scheduler.on_thread_first_run(previous);
}

extern "C" [[noreturn]] void gehri_thread_exit()
{
    gehri::arch::s_scheduler.exit();
    PANIC("a dead thread was scheduled again");
}

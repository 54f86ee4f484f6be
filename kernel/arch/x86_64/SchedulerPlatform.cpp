#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/ContextSwitch.h>
#include <kernel/arch/x86_64/SchedulerPlatform.h>
#include <kernel/arch/x86_64/UserContextSwitch.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/sched/KernelScheduler.h>

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
    switch_user_state(from.context(), to.context());
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
    // sti takes effect after the next instruction, so an interrupt that arrives between the
    // idle loop's last check and here still ends the hlt.
    asm volatile("sti; hlt; cli" ::: "memory");
}

namespace {

KernelSchedulerPlatform s_platform;
sched::Scheduler s_scheduler(s_platform);

alignas(16) uint8_t s_boot_idle_stack[16 * 1024];

void run_idle_loop(void*) { s_scheduler.idle_loop(); }

sched::ThreadWithStack<sched::BorrowedStack> s_main_thread(
    { .name = "main", .priority_class = sched::PriorityClass::Normal },
    sched::BorrowedStack(reinterpret_cast<uintptr_t>(boot_stack_bottom), reinterpret_cast<uintptr_t>(boot_stack_top)),
    nullptr, nullptr);

sched::ThreadWithStack<sched::BorrowedStack> s_boot_idle_thread(
    { .name = "idle0", .affinity = sched::CpuMask::only(0) },
    sched::BorrowedStack(s_boot_idle_stack), run_idle_loop, nullptr);

} // namespace

KernelSchedulerPlatform& scheduler_platform() { return s_platform; }

} // namespace gehri::arch

namespace gehri::sched {

Scheduler& kernel_scheduler() { return arch::s_scheduler; }

void initialize_on_boot_cpu()
{
    arch::s_scheduler.bring_up_cpu(0, arch::s_main_thread, arch::s_boot_idle_thread);
    log::info("sched: boot CPU under the scheduler (main thread {}, idle thread {})", arch::s_main_thread.id(), arch::s_boot_idle_thread.id());
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

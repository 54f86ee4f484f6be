#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/CrashReport.h>
#include <kernel/arch/x86_64/QemuExit.h>
#include <kernel/console/Console.h>

namespace gehri::arch {

namespace {

constexpr uint32_t no_owner = ~uint32_t(0);
constinit uint32_t s_owner = no_owner;
constinit uint32_t s_depth = 0;
constinit StopOtherCpus s_stop_other_cpus = nullptr;
constinit uint32_t s_halted_cpus = 0;

// The initial APIC ID from CPUID: identifies the CPU without any per-CPU data, which may
// be what is broken.
uint32_t current_cpu_id()
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return ebx >> 24;
}

} // namespace

void begin_crash_report(StringView nested_summary)
{
    disable_interrupts();
    uint32_t me = current_cpu_id();
    uint32_t expected = no_owner;
    if (__atomic_compare_exchange_n(&s_owner, &expected, me, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        s_depth = 1;
        console::enter_panic_mode();
        if (auto stop = __atomic_load_n(&s_stop_other_cpus, __ATOMIC_ACQUIRE))
            stop();
        return;
    }
    if (expected != me)
        halt_for_crash_report();
    if (++s_depth == 2) {
        console::write("\n!!! crashed again while reporting a crash: ");
        console::write(nested_summary);
        console::write("; halting\n");
    }
    finish_crash_report();
}

void finish_crash_report()
{
    qemu_exit(false);
    halt_forever();
}

void set_stop_other_cpus_on_crash(StopOtherCpus stop)
{
    __atomic_store_n(&s_stop_other_cpus, stop, __ATOMIC_RELEASE);
}

void halt_for_crash_report()
{
    disable_interrupts();
    __atomic_fetch_add(&s_halted_cpus, 1, __ATOMIC_RELEASE);
    halt_forever();
}

uint32_t cpus_halted_for_crash_report() { return __atomic_load_n(&s_halted_cpus, __ATOMIC_ACQUIRE); }

bool crash_in_progress()
{
    return __atomic_load_n(&s_owner, __ATOMIC_ACQUIRE) != no_owner;
}

} // namespace gehri::arch

#include <kernel/acpi/CpuList.h>
#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/CrashReport.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/Paging.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Preemption.h>
#include <kernel/arch/x86_64/SchedulerPlatform.h>
#include <kernel/arch/x86_64/Smp.h>
#include <kernel/arch/x86_64/TlbShootdown.h>
#include <kernel/arch/x86_64/UserEntry.h>
#include <kernel/boot/BootInfo.h>
#include <kernel/console/Console.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/time/Clock.h>
#include <string.h>

extern "C" const uint8_t ap_trampoline_start[];
extern "C" const uint8_t ap_trampoline_end[];
extern "C" const uint8_t ap_trampoline_parameters[];

namespace gehri::arch {

namespace {

// Must match TRAMPOLINE_PHYSICAL in ApTrampoline.S. Below 1 MiB, which mm never hands out.
constexpr uint64_t trampoline_physical = 0x8000;
constexpr uint64_t millisecond = 1'000'000;
// Generous: under TCG on a loaded host a vCPU thread may wait a long time for a host core.
constexpr uint64_t answer_timeout_ns = 2'000 * millisecond;
constexpr uint64_t online_timeout_ns = 5'000 * millisecond;
constexpr uint64_t crash_stop_timeout_ns = 2'000 * millisecond;
constexpr uint64_t ist_stack_size = 16 * 1024;

// The block at the end of the trampoline (ApTrampoline.S), written by the BSP for each AP.
struct ApTrampolineParameters {
    uint64_t trampoline_cr3;
    uint64_t stack_top;
    uint64_t entry;
    uint64_t argument;
};

enum ApState : uint32_t {
    Starting,
    Entered, // on the kernel's page tables: done with the trampoline and its parameters
    Online, // under the scheduler, about to enter its idle loop
};

using IdleThread = sched::ThreadWithStack<mm::KernelStack>;

// Everything one application processor needs to start, allocated by the BSP. The AP's boot
// stack belongs to its idle thread: the AP's boot context becomes that thread. Lives forever.
struct ApBoot {
    uint32_t index;
    uint32_t apic_id;
    mm::KernelStack double_fault_stack;
    mm::KernelStack nmi_stack;
    mm::KernelStack machine_check_stack;
    OwnPtr<IdleThread> idle;
    uint64_t cr4; // the BSP's control state, for the AP to match
    uint64_t efer;
    uint64_t bsp_clock_at_start;
    uint64_t clock_lag_ns;
    uint32_t state;

    static Result<OwnPtr<ApBoot>> create(uint32_t index, uint32_t apic_id);
};

OwnPtr<ApBoot> s_aps[max_cpus];
SmpSummary s_summary;

[[noreturn]] void ap_main(ApBoot* boot);

Result<OwnPtr<ApBoot>> ApBoot::create(uint32_t index, uint32_t apic_id)
{
    auto double_fault = TRY(mm::KernelStack::create(ist_stack_size));
    auto nmi = TRY(mm::KernelStack::create(ist_stack_size));
    auto machine_check = TRY(mm::KernelStack::create(ist_stack_size));
    auto boot_stack = TRY(mm::KernelStack::create());
    auto name = FixedString<16>::formatted("idle{}", index);
    auto idle = TRY(make_owned<IdleThread>(sched::ThreadOptions { .name = name.view(), .affinity = sched::CpuMask::only(index) },
        std::move(boot_stack), nullptr, nullptr));
    return make_owned<ApBoot>(ApBoot { index, apic_id, std::move(double_fault), std::move(nmi), std::move(machine_check),
        std::move(idle), paging::read_cr4(), read_msr(msr::efer), 0, 0, Starting });
}

uint32_t state_of(const ApBoot& boot) { return __atomic_load_n(&boot.state, __ATOMIC_ACQUIRE); }

bool overlaps(uint64_t base, uint64_t length, uint64_t other_base, uint64_t other_length)
{
    return base < other_base + other_length && other_base < base + length;
}

// The trampoline page must be RAM nobody else uses: the loader may have put its information
// block or a module below 1 MiB (mm keeps [0, 1 MiB) for us, but not from the loader).
Result<void> check_trampoline_page(const boot::BootInfo& info, uint64_t size)
{
    bool in_usable_ram = false;
    for (size_t i = 0; i < info.memory_region_count; ++i) {
        const boot::MemoryRegion& region = info.memory_regions[i];
        if (region.kind == boot::MemoryRegion::Kind::Usable && region.base <= trampoline_physical
            && trampoline_physical + size <= region.base + region.length)
            in_usable_ram = true;
        else if (region.kind != boot::MemoryRegion::Kind::Usable && overlaps(trampoline_physical, size, region.base, region.length))
            return Error::Busy;
    }
    if (!in_usable_ram || overlaps(trampoline_physical, size, info.loader_block_physical, info.loader_block_size))
        return Error::Busy;
    for (size_t i = 0; i < info.module_count; ++i) {
        if (overlaps(trampoline_physical, size, info.modules[i].start, info.modules[i].end - info.modules[i].start))
            return Error::Busy;
    }
    return {};
}

// Copies the trampoline to its page and builds the page tables the APs climb to long mode on.
Result<OwnPtr<mm::AddressSpace>> install_trampoline(const boot::BootInfo& info)
{
    auto size = static_cast<uint64_t>(ap_trampoline_end - ap_trampoline_start);
    VERIFY(size <= mm::page_size);
    TRY(check_trampoline_page(info, size));
    memcpy(mm::physical_to_virtual<uint8_t>(trampoline_physical), ap_trampoline_start, size);
    auto space = TRY(mm::AddressSpace::create());
    // Read and execute only, supervisor; the kernel half comes shared.
    TRY(space->map(trampoline_physical, trampoline_physical, mm::PageFlags::None));
    return space;
}

void write_parameters(const ApTrampolineParameters& parameters)
{
    auto offset = static_cast<uint64_t>(ap_trampoline_parameters - ap_trampoline_start);
    auto* destination = mm::physical_to_virtual<volatile uint64_t>(trampoline_physical + offset);
    destination[0] = parameters.trampoline_cr3;
    destination[1] = parameters.stack_top;
    destination[2] = parameters.entry;
    destination[3] = parameters.argument;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool wait_for_state(const ApBoot& boot, uint32_t state, uint64_t timeout_ns)
{
    uint64_t started = time::now_ns();
    while (state_of(boot) < state) {
        if (time::now_ns() - started > timeout_ns)
            return false;
        cpu_relax();
    }
    return true;
}

// Starts one AP and waits until it no longer needs the trampoline. Returns whether it came.
bool start_one(ApBoot& boot, const mm::AddressSpace& trampoline_space)
{
    write_parameters({ trampoline_space.root_table(), boot.idle->stack().top, reinterpret_cast<uint64_t>(&ap_main),
        reinterpret_cast<uint64_t>(&boot) });
    boot.bsp_clock_at_start = time::now_ns();
    lapic::start_application_processor(boot.apic_id, static_cast<uint8_t>(trampoline_physical / mm::page_size));
    if (wait_for_state(boot, Entered, answer_timeout_ns))
        return true;
    console::print("  smp: CPU {} (APIC id {}) did not answer INIT-SIPI-SIPI within {} ms; continuing without it\n",
        boot.index, boot.apic_id, answer_timeout_ns / millisecond);
    // Back to wait-for-SIPI, so that it cannot wake later on a trampoline meant for another CPU.
    lapic::send_init(boot.apic_id);
    return false;
}

// The crash report's hook: an NMI reaches the other CPUs even where they spin with interrupts
// off. They halt (Exceptions.cpp) and are counted; the report says how many stopped.
void stop_other_cpus_for_crash()
{
    uint32_t others = s_summary.online - 1;
    if (others == 0)
        return;
    lapic::send_nmi_to_all_others();
    uint64_t started = time::now_ns();
    while (cpus_halted_for_crash_report() < others && time::now_ns() - started < crash_stop_timeout_ns)
        cpu_relax();
    console::print("\n  (stopped {} of {} other CPUs)\n", cpus_halted_for_crash_report(), others);
}

void wire_scheduler_to_the_machine()
{
    install_preemption();
    install_tlb_shootdown();
    set_stop_other_cpus_on_crash(stop_other_cpus_for_crash);
    scheduler_platform().set_interrupts_live(true);
    program_busy_timer(time::now_ns(), sched::kernel_scheduler().next_deadline());
}

uint32_t start_application_processors(const boot::BootInfo& boot_info)
{
    auto trampoline = install_trampoline(boot_info);
    if (trampoline.is_error()) {
        console::print("  smp: cannot start the other CPUs: trampoline page {:#x} unusable ({})\n", trampoline_physical,
            error_name(trampoline.error()));
        return 1;
    }
    for (uint32_t index = 1; index < s_summary.listed; ++index) {
        auto boot = ApBoot::create(index, acpi::cpus().apic_id(index));
        if (boot.is_error()) {
            console::print("  smp: no memory to start CPU {} ({})\n", index, error_name(boot.error()));
            continue;
        }
        s_aps[index] = boot.release_value();
        start_one(*s_aps[index], *trampoline.value());
    }
    uint32_t online = 1;
    for (uint32_t index = 1; index < s_summary.listed; ++index) {
        ApBoot* boot = s_aps[index].get();
        if (!boot || state_of(*boot) < Entered)
            continue;
        if (wait_for_state(*boot, Online, online_timeout_ns))
            ++online;
        else
            console::print("  smp: CPU {} (APIC id {}) started but did not join the scheduler within {} ms\n", index, boot->apic_id,
                online_timeout_ns / millisecond);
        if (boot->clock_lag_ns > s_summary.worst_clock_lag_ns)
            s_summary.worst_clock_lag_ns = boot->clock_lag_ns;
    }
    // Every AP that entered is on the kernel's tables: the trampoline's may go.
    return online;
}

// --- The AP side ------------------------------------------------------------------------------

[[noreturn]] void ap_main(ApBoot* boot)
{
    // Per-CPU data first: spinlocks and cpu_relax use it.
    install_cpu_local(boot->index);
    CpuTables::initialize_for_this_cpu(boot->index,
        { boot->double_fault_stack.top(), boot->nmi_stack.top(), boot->machine_check_stack.top() });
    mm::AddressSpace::kernel().activate();
    paging::write_cr4(boot->cr4);
    write_msr(msr::efer, boot->efer);
    initialize_user_entry_for_this_cpu();
    uint64_t now = time::now_ns();
    if (now < boot->bsp_clock_at_start)
        boot->clock_lag_ns = boot->bsp_clock_at_start - now;
    __atomic_store_n(&boot->state, Entered, __ATOMIC_RELEASE);

    lapic::initialize_this_cpu();
    sched::kernel_scheduler().bring_up_cpu(boot->index, *boot->idle, *boot->idle);
    join_tlb_shootdowns();
    log::info("smp: CPU {} online (APIC id {})", boot->index, lapic::id());
    __atomic_store_n(&boot->state, Online, __ATOMIC_RELEASE);
    sched::kernel_scheduler().idle_loop();
}

} // namespace

void start_multiprocessing(const boot::BootInfo& boot_info)
{
    s_summary.listed = static_cast<uint32_t>(acpi::cpus().count());
    if (s_summary.listed > max_cpus) {
        log::warn("smp: the MADT lists {} CPUs; Gehri supports {}", s_summary.listed, max_cpus);
        s_summary.listed = max_cpus;
    }
    this_cpu().apic_id = lapic::id();
    wire_scheduler_to_the_machine();
    // Before the APs start: the boot CPU decides the user-mode protections they all turn on.
    initialize_user_entry_for_this_cpu();
    uint64_t started = time::now_ns();
    s_summary.online = s_summary.listed > 1 ? start_application_processors(boot_info) : 1;
    console::print("  smp: {} of {} CPUs online, preemptive (tick {} us, one-shot timers), APs started in {} ms\n", s_summary.online,
        s_summary.listed, tick_ns / 1000, (time::now_ns() - started) / millisecond);
    if (s_summary.worst_clock_lag_ns > 0)
        log::warn("smp: an AP's clock read up to {} ns behind the boot CPU's at startup", s_summary.worst_clock_lag_ns);
    // The boot thread becomes an ordinary preemptible thread.
    enable_interrupts();
}

const SmpSummary& smp_summary() { return s_summary; }

} // namespace gehri::arch

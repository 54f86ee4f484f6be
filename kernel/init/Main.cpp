#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/DeliberateCrash.h>
#include <kernel/arch/x86_64/Platform.h>
#include <kernel/arch/x86_64/QemuExit.h>
#include <kernel/arch/x86_64/Smp.h>
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/time/Clock.h>
#include <kernel/bench/Benchmarks.h>
#include <kernel/boot/CommandLine.h>
#include <kernel/boot/Multiboot2.h>
#include <kernel/console/FramebufferConsole.h>
#include <kernel/govern/Governance.h>
#include <kernel/init/Agents.h>
#include <kernel/init/KernelConsole.h>
#include <kernel/init/Exit.h>
#include <kernel/init/Main.h>
#include <kernel/init/Version.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/Layout.h>
#include <kernel/mm/MemoryManager.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

boot::BootInfo s_boot_info;

void read_boot_information(uint32_t magic, uint32_t info_physical)
{
    if (magic != boot::multiboot2_bootloader_magic)
        PANIC("not started by a Multiboot2 loader (magic {:#x}, expected {:#x}); boot Gehri through GRUB's multiboot2 command",
            magic, boot::multiboot2_bootloader_magic);
    // The boot page tables map the first 4 GiB; the information block is below that.
    constexpr size_t info_limit = 1024 * 1024;
    auto* info = mm::physical_to_virtual<const uint8_t>(info_physical);
    auto parsed = boot::parse_multiboot2(info, info_limit, s_boot_info);
    if (parsed.is_error())
        PANIC("the boot loader's Multiboot2 information is malformed ({})", error_name(parsed.error()));
    s_boot_info.loader_block_physical = info_physical;
}

void apply_log_level(const boot::CommandLine& command_line)
{
    bool found = false;
    StringView level_text = command_line.value_of("loglevel", &found);
    log::Level level;
    if (!found)
        return;
    if (log::parse_level(level_text, level))
        log::set_level(level);
    else
        log::warn("ignoring loglevel={}: expected debug, info, warn or error", level_text);
}

bool run_kernel_tests(StringView filter)
{
    log::info("running in-kernel tests matching '{}'", filter);
    return ktest::run_tests(filter) == 0;
}

} // namespace

void kernel_main(uint32_t multiboot_magic, uint32_t multiboot_info_physical)
{
    read_boot_information(multiboot_magic, multiboot_info_physical);
    mm::initialize(s_boot_info);
    boot::CommandLine command_line(s_boot_info.command_line);
    apply_log_level(command_line);

    console::start_framebuffer_console(s_boot_info.framebuffer);
    // The colours show on the screen only; the serial log gets the plain banner line.
    console::print("\n\x1b[1;97mGehri \x1b[96m{}\x1b[0;36m (Jatha)\x1b[0m\n", version_string);
    console::print("  memory: {} MiB usable, {} pages free, command line: '{}'\n", s_boot_info.usable_memory_bytes() / (1024 * 1024),
        mm::PhysicalMemory::the().free_pages(), command_line.text());
    arch::initialize_platform(s_boot_info);
    sched::initialize_on_boot_cpu();
    arch::start_multiprocessing(s_boot_info);

    arch::crash_if_requested(command_line);

    audit::set_time_source(time::now_ns);
    if (auto audit_started = audit::initialize_kernel_log(); audit_started.is_error())
        PANIC("cannot start the audit log ({})", error_name(audit_started.error()));
    // The initrd first: it carries the policy the collective services start under.
    start_agent_support(s_boot_info);
    if (auto governance = govern::initialize(agent::system_initrd()); governance.is_error())
        PANIC("cannot start the collective services ({})", error_name(governance.error()));

    bool test_requested = false;
    StringView test_filter = command_line.value_of("gehri.test", &test_requested);
    if (test_requested)
        exit_kernel(run_kernel_tests(test_filter), command_line);

    bool bench_requested = false;
    StringView bench_selection = command_line.value_of("gehri.bench", &bench_requested);
    if (bench_requested)
        exit_kernel(bench::run_benchmarks(bench_selection), command_line);

    bool run_requested = false;
    command_line.value_of("gehri.run", &run_requested);
    if (run_requested) {
        bool agents_succeeded = run_boot_agents(command_line);
        log::info("boot agents finished; halting");
        exit_kernel(agents_succeeded, command_line);
    }
    bool init_started = start_init_agent();
    // The screen test holds the machine, then ends it; otherwise the system runs for good.
    bool hold_requested = false;
    command_line.value_of("gehri.hold", &hold_requested);
    if (hold_requested)
        exit_kernel(init_started, command_line);
    run_kernel_console();
}

} // namespace gehri

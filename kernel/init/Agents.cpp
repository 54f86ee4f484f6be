#include <kernel/agent/Reaper.h>
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/x86_64/UserFaults.h>
#include <kernel/boot/InitrdModule.h>
#include <kernel/govern/Collective.h>
#include <kernel/init/Agents.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/Layout.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri {

namespace {

void load_initrd(const boot::BootInfo& boot_info)
{
    auto module = boot::find_initrd_module(boot_info);
    if (module.is_error()) {
        log::warn("agents: no initrd among the {} boot modules ({}); no agent can start", boot_info.module_count, error_name(module.error()));
        return;
    }
    // Boot modules are reserved by the memory manager and covered by the direct map.
    ReadonlyBytes bytes(mm::physical_to_virtual<const uint8_t>(module.value().start), module.value().end - module.value().start);
    Diagnostic diagnostic;
    auto initrd = boot::Initrd::create(bytes, diagnostic);
    if (initrd.is_error()) {
        log::error("agents: the initrd is malformed: {}", diagnostic.message());
        return;
    }
    size_t entries = initrd.value().entry_count();
    agent::install_system_initrd(initrd.release_value());
    log::info("agents: initrd of {} KiB with {} entries", bytes.size() / 1024, entries);
}

bool run_one(StringView name)
{
    if (govern::policy_refused()) {
        log::error("agents: not running '{}': the boot image's policy was refused", name);
        return false;
    }
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr) {
        log::error("agents: cannot run '{}': there is no initrd", name);
        return false;
    }
    auto path = FixedString<64>::formatted("bin/{}", name);
    Diagnostic diagnostic;
    auto spawned = agent::spawn_agent_from_initrd(*initrd, path.view(), { .name = name }, diagnostic);
    if (spawned.is_error()) {
        log::error("agents: cannot start '{}': {}", name, diagnostic.message());
        return false;
    }
    auto info = spawned.value().agent->wait_for_exit(sched::Scheduler::no_deadline);
    VERIFY(info.is_ok());
    return info.value().reason == abi::ExitReason::Exited && info.value().status == 0;
}

} // namespace

bool start_init_agent()
{
    // A swarm under a policy nobody could read is a swarm without rules: none starts.
    if (govern::policy_refused()) {
        log::error("agents: not starting init: the boot image's policy was refused; the console still works");
        return false;
    }
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr) {
        log::error("agents: cannot start init: there is no initrd");
        return false;
    }
    Diagnostic diagnostic;
    // init supervises every replica through a handle: the largest table there is.
    auto spawned = agent::spawn_agent_from_initrd(*initrd, "bin/init",
        { .name = "init", .priority_class = sched::PriorityClass::Interactive, .may_spawn = true, .may_display = true, .handle_capacity = object::HandleTable::max_capacity },
        diagnostic);
    if (spawned.is_error()) {
        log::error("agents: cannot start init: {}", diagnostic.message());
        return false;
    }
    log::info("agents: init started as agent {}", spawned.value().agent->id());
    return true;
}

void start_agent_support(const boot::BootInfo& boot_info)
{
    arch::install_user_fault_handler();
    if (auto started = agent::start_reaper(); started.is_error())
        PANIC("agents: cannot start the reaper ({})", error_name(started.error()));
    load_initrd(boot_info);
}

bool run_boot_agents(const boot::CommandLine& command_line)
{
    bool found = false;
    StringView list = command_line.value_of("gehri.run", &found);
    if (!found)
        list = "hello";
    bool all_succeeded = true;
    size_t start = 0;
    while (start < list.length()) {
        size_t comma = list.find(',', start);
        size_t end = comma == StringView::npos ? list.length() : comma;
        if (end > start)
            all_succeeded &= run_one(list.substring(start, end - start));
        start = end + 1;
    }
    return all_succeeded;
}

} // namespace gehri

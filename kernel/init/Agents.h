#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/boot/CommandLine.h>

namespace gehri {

// Makes the kernel able to run agents: user-mode entry (syscall/sysret, SMEP/SMAP) on the boot
// CPU, the user-fault handler, the reaper, and the initrd from the boot modules (a missing or
// malformed initrd is reported, not fatal: there is just nothing to run).
void start_agent_support(const boot::BootInfo& boot_info);

// Runs the agents named by gehri.run=NAME[,NAME...] (default: hello) from the initrd's bin/,
// one after the other, and waits for each. True if every one exited with status 0.
bool run_boot_agents(const boot::CommandLine& command_line);

// Starts the init agent (bin/init of the initrd), which starts the swarm of its manifest
// (etc/swarm.manifest) and supervises it. False if it cannot start.
bool start_init_agent();

} // namespace gehri

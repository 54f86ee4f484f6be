#pragma once

namespace gehri::arch {

// Installs the handler for exceptions raised in user mode (set_user_fault_handler): the
// faulting agent's thread is reported and killed (kernel/agent/Faults.h), the kernel carries on.
void install_user_fault_handler();

} // namespace gehri::arch

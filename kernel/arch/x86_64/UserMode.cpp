#include <kernel/agent/UserMode.h>
#include <kernel/arch/x86_64/UserEntry.h>
#include <stddef.h>

extern "C" [[noreturn]] void gehri_enter_user_mode(const gehri::agent::UserEntryRegisters* registers);

namespace gehri::agent {

// SyscallEntry.S reads the registers at these offsets: rip, rsp, rdi, rsi, rdx, rcx.
static_assert(offsetof(UserEntryRegisters, instruction_pointer) == 0);
static_assert(offsetof(UserEntryRegisters, stack_pointer) == 8);
static_assert(offsetof(UserEntryRegisters, arguments) == 16);
static_assert(sizeof(UserEntryRegisters) == 48);

void enter_user_mode(const UserEntryRegisters& registers) { gehri_enter_user_mode(&registers); }

bool user_mode_available() { return arch::user_entry_initialized_on_boot_cpu(); }

} // namespace gehri::agent

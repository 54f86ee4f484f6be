#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/QemuExit.h>
#include <kernel/console/Console.h>
#include <kernel/log/Panic.h>

namespace gehri {

void panic_message(StringView message, const char* file, int line)
{
    arch::disable_interrupts();
    console::print("\nKERNEL PANIC: {}\n  at {}:{}\n", message, file, line);
    arch::qemu_exit(false);
    arch::halt_forever();
}

} // namespace gehri

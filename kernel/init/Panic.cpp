#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/arch/x86_64/CrashReport.h>
#include <kernel/console/Console.h>
#include <kernel/log/Panic.h>

namespace gehri {

void panic_message(StringView message, const char* file, int line)
{
    arch::begin_crash_report(message);
    console::print("\nKERNEL PANIC: {}\n  at {}:{}\nBacktrace:\n", message, file, line);
    arch::print_current_backtrace();
    arch::finish_crash_report();
}

} // namespace gehri

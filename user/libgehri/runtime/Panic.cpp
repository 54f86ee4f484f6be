// What VERIFY and PANIC (kernel/log/Panic.h) call in an agent: the portable code agents share
// with the kernel checks its invariants the same way on both sides. A broken invariant ends
// the agent (not the system), saying where.
#include <kernel/log/Panic.h>
#include <user/libgehri/Log.h>

namespace gehri {

[[noreturn]] void panic_message(StringView message, const char* file, int line)
{
    println("agent panic at {}:{}: {}", file, line, message);
    system::exit(-2);
}

} // namespace gehri

#include <kernel/log/Panic.h>
#include <cstdio>
#include <cstdlib>

namespace gehri {

// In host tests a kernel panic is a test failure that stops the process; death tests catch it.
void panic_message(StringView message, const char* file, int line)
{
    std::fprintf(stderr, "KERNEL PANIC: %.*s\n  at %s:%d\n", static_cast<int>(message.length()), message.characters(), file, line);
    std::abort();
}

} // namespace gehri

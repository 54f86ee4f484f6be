#pragma once

#include <kernel/lib/Format.h>

namespace gehri {

// Stops the system: prints what went wrong and where on every console, then halts all CPUs.
// The kernel and the host tests supply different implementations of panic_message.
[[noreturn]] void panic_message(StringView message, const char* file, int line);

template<typename... Args>
[[noreturn]] void panic_at(const char* file, int line, StringView format_string, const Args&... args)
{
    char buffer[256];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, format_string, args...);
    panic_message(sink.view(), file, line);
}

} // namespace gehri

// Macros because only the preprocessor can capture the call site and the expression text.
#define PANIC(...) ::gehri::panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define VERIFY(expression)                                               \
    do {                                                                 \
        if (!(expression)) [[unlikely]]                                  \
            ::gehri::panic_at(__FILE__, __LINE__, "VERIFY({}) failed", #expression); \
    } while (0)

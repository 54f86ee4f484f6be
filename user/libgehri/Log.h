#pragma once

#include <kernel/lib/Format.h>
#include <user/libgehri/System.h>

namespace gehri {

// Formats like the kernel's log (kernel/lib/Format.h: {}, {:x}, {:#x}, {:08x}, ...) and writes
// the line to the kernel log, which stamps it with this agent's id and name. Lines longer
// than the buffer are cut.
template<typename... Args>
void println(StringView format_string, const Args&... args)
{
    char buffer[512];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, format_string, args...);
    (void)system::debug_write(sink.view());
}

} // namespace gehri

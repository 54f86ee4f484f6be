#pragma once

#include <kernel/console/Console.h>

namespace gehri::log {

enum class Level : uint8_t { Debug = 0, Info = 1, Warning = 2, Error = 3 };

void set_level(Level level);
Level level();
bool parse_level(StringView text, Level& out);

// Nanoseconds since boot for the line prefix; the clock subsystem installs it when ready.
using ClockSource = uint64_t (*)();
void set_clock_source(ClockSource source);

void write_line(Level level, StringView message);

template<typename... Args>
void message(Level line_level, StringView format_string, const Args&... args)
{
    if (line_level < level())
        return;
    char buffer[512];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, format_string, args...);
    write_line(line_level, sink.view());
}

template<typename... Args>
void debug(StringView format_string, const Args&... args) { message(Level::Debug, format_string, args...); }
template<typename... Args>
void info(StringView format_string, const Args&... args) { message(Level::Info, format_string, args...); }
template<typename... Args>
void warn(StringView format_string, const Args&... args) { message(Level::Warning, format_string, args...); }
template<typename... Args>
void error(StringView format_string, const Args&... args) { message(Level::Error, format_string, args...); }

} // namespace gehri::log

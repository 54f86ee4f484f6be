#include <initializer_list>
#include <kernel/log/History.h>
#include <kernel/log/Log.h>

namespace gehri::log {

namespace {
Level s_level = Level::Info;
ClockSource s_clock;

constexpr StringView level_tag(Level level)
{
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warn";
    case Level::Error: return "error";
    }
    return "?";
}
} // namespace

void set_level(Level level) { s_level = level; }
Level level() { return s_level; }
void set_clock_source(ClockSource source) { s_clock = source; }

bool parse_level(StringView text, Level& out)
{
    for (auto candidate : { Level::Debug, Level::Info, Level::Warning, Level::Error }) {
        if (text == level_tag(candidate)) {
            out = candidate;
            return true;
        }
    }
    return false;
}

void write_line(Level level, StringView message)
{
    char buffer[600];
    BufferSink sink(buffer, sizeof(buffer));
    uint64_t now = s_clock ? s_clock() : 0;
    format_to(sink, "[{:5}.{:06}] {}: {}\n", now / 1000000000, (now / 1000) % 1000000, level_tag(level), message);
    console::write(sink.view());
    remember_line(sink.view());
}

} // namespace gehri::log

#pragma once

#include <kernel/lib/Format.h>
#include <kernel/lib/StringView.h>

namespace gehri {

// A device that shows console text: the serial port, the framebuffer text console.
class ConsoleDevice {
public:
    virtual void write(StringView text) = 0;
    // Whether the device draws ANSI escape sequences (colours, cursor movement). The console
    // takes them out of the text for devices that do not, so colour on the screen never
    // puts escape codes into the serial log.
    virtual bool understands_escape_sequences() const { return false; }

protected:
    ~ConsoleDevice() = default;
};

// The console fans text out to every registered device, serialized by one lock so that
// lines from different CPUs do not interleave inside a write.
namespace console {

constexpr size_t max_devices = 4;

void add_device(ConsoleDevice& device);
void write(StringView text);

// For crash reports: from now on a writer waits only a bounded time for the console lock
// and then writes anyway, because the lock holder may be the code that crashed (on this CPU
// or on a halted one). Garbled output beats a silent hang. There is no way back.
void enter_panic_mode();
bool in_panic_mode();

template<typename... Args>
void print(StringView format_string, const Args&... args);

// Adapts the console to the formatter.
class Sink final : public FormatSink {
public:
    void write(StringView text) override { console::write(text); }
};

template<typename... Args>
void print(StringView format_string, const Args&... args)
{
    Sink sink;
    format_to(sink, format_string, args...);
}

} // namespace console

} // namespace gehri

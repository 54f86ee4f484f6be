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
    // A device that is slow to show text (the framebuffer: a scroll repaints the screen) may
    // show it later, when the console thread calls paint_some(); deferred painting starts
    // once that thread runs (console::defer_painting). true once nothing is left to show.
    virtual void set_deferred(bool) { }
    virtual bool paint_some(uint32_t /* row_budget */) { return true; }

protected:
    ~ConsoleDevice() = default;
};

// The console fans text out to every registered device, serialized by one lock so that
// lines from different CPUs do not interleave inside a write.
namespace console {

constexpr size_t max_devices = 4;

void add_device(ConsoleDevice& device);
void write(StringView text);
// Writes `text` starting on a line of its own: a newline first if the console is mid-line
// (a prompt, say), so that line-oriented readers (the audit verifier) see it whole.
void write_line(StringView text);

// From now on slow devices show text when paint_pending() runs (the console thread calls it
// every poll), not in the writer's path: a line logged on one CPU no longer costs a
// framebuffer repaint with the console lock held and interrupts off.
void defer_painting();
// Shows what the slow devices have pending, a few rows per hold of the console lock.
void paint_pending();

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

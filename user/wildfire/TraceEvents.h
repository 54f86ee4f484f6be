#pragma once

#include <kernel/lib/Format.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/StringView.h>
#include <stdint.h>

// Chrome trace-event JSON (the format the Perfetto UI and chrome://tracing open), one event as
// one JSON object on one line, so an agent can print them on the console and a host tool can
// gather them into {"traceEvents":[...]}. Times are given in nanoseconds and written in
// microseconds with three decimals, as the format wants.
namespace gehri::wildfire {

struct TraceArg {
    enum class Kind : uint8_t { Number, Text };
    StringView key;
    Kind kind { Kind::Number };
    int64_t number { 0 };
    StringView text {};

    static constexpr TraceArg of(StringView key, int64_t number) { return { key, Kind::Number, number, {} }; }
    static constexpr TraceArg of(StringView key, StringView text) { return { key, Kind::Text, 0, text }; }
};

enum class TracePhase : char {
    Complete = 'X', // a span: ts and dur
    Counter = 'C',  // each argument a counter track
    Instant = 'i',  // a moment on a thread
    Metadata = 'M', // process_name / thread_name
};

struct TraceEvent {
    TracePhase phase { TracePhase::Instant };
    StringView name;
    StringView category {}; // left out when empty
    uint64_t pid { 0 };
    uint64_t tid { 0 };
    uint64_t ts_ns { 0 };
    uint64_t duration_ns { 0 }; // Complete only
    Span<const TraceArg> args {};
};

// Writes `event` as one JSON object (no newline). Strings are escaped: quotes, backslashes and
// control characters, so any name or text gives valid JSON.
void format_trace_event(FormatSink& sink, const TraceEvent& event);

// The events that name a process or a thread in the UI.
void format_process_name(FormatSink& sink, uint64_t pid, StringView name);
void format_thread_name(FormatSink& sink, uint64_t pid, uint64_t tid, StringView name);

// Writes `text` as a JSON string, quotes included.
void format_json_string(FormatSink& sink, StringView text);

} // namespace gehri::wildfire

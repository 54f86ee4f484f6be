#include <user/wildfire/TraceEvents.h>

namespace gehri::wildfire {

namespace {

void format_microseconds(FormatSink& sink, uint64_t ns)
{
    format_to(sink, "{}.{:03}", ns / 1000, ns % 1000);
}

void format_args(FormatSink& sink, Span<const TraceArg> args)
{
    sink.write("{");
    for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            sink.write(",");
        format_json_string(sink, args[i].key);
        sink.write(":");
        if (args[i].kind == TraceArg::Kind::Number)
            format_to(sink, "{}", args[i].number);
        else
            format_json_string(sink, args[i].text);
    }
    sink.write("}");
}

} // namespace

void format_json_string(FormatSink& sink, StringView text)
{
    constexpr char hex[] = "0123456789abcdef";
    sink.write("\"");
    size_t plain_from = 0;
    for (size_t i = 0; i < text.length(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        sink.write(text.substring(plain_from, i - plain_from));
        plain_from = i + 1;
        switch (c) {
        case '"': sink.write("\\\""); break;
        case '\\': sink.write("\\\\"); break;
        case '\n': sink.write("\\n"); break;
        case '\r': sink.write("\\r"); break;
        case '\t': sink.write("\\t"); break;
        default: {
            // DEL too: the kernel's console turns raw control bytes into '?'.
            char escaped[] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
            sink.write(StringView(escaped, sizeof(escaped)));
        }
        }
    }
    sink.write(text.substring(plain_from, text.length() - plain_from));
    sink.write("\"");
}

void format_trace_event(FormatSink& sink, const TraceEvent& event)
{
    sink.write("{\"ph\":\"");
    char phase = static_cast<char>(event.phase);
    sink.write(StringView(&phase, 1));
    sink.write("\",\"name\":");
    format_json_string(sink, event.name);
    if (!event.category.is_empty()) {
        sink.write(",\"cat\":");
        format_json_string(sink, event.category);
    }
    format_to(sink, ",\"pid\":{},\"tid\":{}", event.pid, event.tid);
    // Metadata too: some readers drop an event without a time stamp.
    sink.write(",\"ts\":");
    format_microseconds(sink, event.ts_ns);
    if (event.phase == TracePhase::Complete) {
        sink.write(",\"dur\":");
        format_microseconds(sink, event.duration_ns);
    }
    if (event.phase == TracePhase::Instant)
        sink.write(",\"s\":\"t\"");
    if (!event.args.is_empty() || event.phase == TracePhase::Counter) {
        sink.write(",\"args\":");
        format_args(sink, event.args);
    }
    sink.write("}");
}

void format_process_name(FormatSink& sink, uint64_t pid, StringView name)
{
    TraceArg arg = TraceArg::of("name", name);
    format_trace_event(sink, { .phase = TracePhase::Metadata, .name = "process_name", .pid = pid, .args = { &arg, 1 } });
}

void format_thread_name(FormatSink& sink, uint64_t pid, uint64_t tid, StringView name)
{
    TraceArg arg = TraceArg::of("name", name);
    format_trace_event(sink, { .phase = TracePhase::Metadata, .name = "thread_name", .pid = pid, .tid = tid, .args = { &arg, 1 } });
}

} // namespace gehri::wildfire

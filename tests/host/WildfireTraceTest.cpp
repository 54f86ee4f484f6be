#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <user/wildfire/TraceEvents.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

struct StringSink final : FormatSink {
    void write(StringView text) override { value.append(text.characters(), text.length()); }
    std::string value;
};

std::string formatted(const TraceEvent& event)
{
    StringSink sink;
    format_trace_event(sink, event);
    return sink.value;
}

std::string json_string(StringView text)
{
    StringSink sink;
    format_json_string(sink, text);
    return sink.value;
}

// A strict JSON syntax check (RFC 8259), with a count of the values it saw: enough to know
// that a browser's JSON.parse, which the Perfetto UI uses, would take the text.
class JsonChecker {
public:
    explicit JsonChecker(const std::string& text)
        : m_text(text)
    {
    }

    bool valid()
    {
        skip_space();
        if (!value())
            return false;
        skip_space();
        return m_at == m_text.size();
    }

    std::vector<std::string> strings; // every string seen, unescaped for \" \\ \n and \u00XX

private:
    char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\0'; }
    void skip_space()
    {
        while (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')
            ++m_at;
    }
    bool literal(const char* word)
    {
        std::string w(word);
        if (m_text.compare(m_at, w.size(), w) != 0)
            return false;
        m_at += w.size();
        return true;
    }
    bool value()
    {
        switch (peek()) {
        case '{': return object();
        case '[': return array();
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }
    bool object()
    {
        ++m_at;
        skip_space();
        if (peek() == '}')
            return ++m_at, true;
        for (;;) {
            skip_space();
            if (peek() != '"' || !string())
                return false;
            skip_space();
            if (peek() != ':')
                return false;
            ++m_at;
            skip_space();
            if (!value())
                return false;
            skip_space();
            if (peek() == '}')
                return ++m_at, true;
            if (peek() != ',')
                return false;
            ++m_at;
        }
    }
    bool array()
    {
        ++m_at;
        skip_space();
        if (peek() == ']')
            return ++m_at, true;
        for (;;) {
            skip_space();
            if (!value())
                return false;
            skip_space();
            if (peek() == ']')
                return ++m_at, true;
            if (peek() != ',')
                return false;
            ++m_at;
        }
    }
    bool string()
    {
        ++m_at;
        std::string out;
        while (m_at < m_text.size()) {
            auto c = static_cast<unsigned char>(m_text[m_at++]);
            if (c == '"') {
                strings.push_back(out);
                return true;
            }
            if (c < 0x20)
                return false;
            if (c != '\\') {
                out += static_cast<char>(c);
                continue;
            }
            char e = peek();
            ++m_at;
            if (e == 'u') {
                if (m_at + 4 > m_text.size())
                    return false;
                std::string digits = m_text.substr(m_at, 4);
                if (digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    return false;
                out += static_cast<char>(std::stoi(digits, nullptr, 16));
                m_at += 4;
            } else if (std::string("\"\\/bfnrt").find(e) != std::string::npos) {
                out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            } else {
                return false;
            }
        }
        return false;
    }
    bool digits()
    {
        size_t start = m_at;
        while (peek() >= '0' && peek() <= '9')
            ++m_at;
        return m_at > start;
    }
    bool number()
    {
        if (peek() == '-')
            ++m_at;
        if (peek() == '0')
            ++m_at;
        else if (!digits())
            return false;
        if (peek() == '.') {
            ++m_at;
            if (!digits())
                return false;
        }
        return true;
    }

    const std::string& m_text;
    size_t m_at { 0 };
};

TEST(WildfireTrace, CompleteEventInMicroseconds)
{
    TraceArg args[] = { TraceArg::of("tick", 81), TraceArg::of("drones", 60) };
    EXPECT_EQ(formatted({ .phase = TracePhase::Complete, .name = "sense", .category = "round", .pid = 2, .tid = 1, .ts_ns = 1'234'567'891, .duration_ns = 2'500'001, .args = args }),
        R"({"ph":"X","name":"sense","cat":"round","pid":2,"tid":1,"ts":1234567.891,"dur":2500.001,"args":{"tick":81,"drones":60}})");
    EXPECT_EQ(formatted({ .phase = TracePhase::Complete, .name = "tick", .pid = 7, .tid = 3, .ts_ns = 999, .duration_ns = 0 }),
        R"({"ph":"X","name":"tick","pid":7,"tid":3,"ts":0.999,"dur":0.000})");
}

TEST(WildfireTrace, CounterEventAlwaysHasArgs)
{
    TraceArg value[] = { TraceArg::of("burning", 12) };
    EXPECT_EQ(formatted({ .phase = TracePhase::Counter, .name = "fire", .pid = 2, .ts_ns = 5'000'000'000, .args = value }),
        R"({"ph":"C","name":"fire","pid":2,"tid":0,"ts":5000000.000,"args":{"burning":12}})");
    EXPECT_EQ(formatted({ .phase = TracePhase::Counter, .name = "empty", .pid = 2, .ts_ns = 1000 }),
        R"({"ph":"C","name":"empty","pid":2,"tid":0,"ts":1.000,"args":{}})");
}

TEST(WildfireTrace, InstantEventIsThreadScoped)
{
    TraceArg args[] = { TraceArg::of("drone", 17), TraceArg::of("agent", 45), TraceArg::of("why", "a rogue") };
    EXPECT_EQ(formatted({ .phase = TracePhase::Instant, .name = "quarantine", .category = "decision", .pid = 2, .tid = 2, .ts_ns = 42'000, .args = args }),
        R"({"ph":"i","name":"quarantine","cat":"decision","pid":2,"tid":2,"ts":42.000,"s":"t","args":{"drone":17,"agent":45,"why":"a rogue"}})");
}

TEST(WildfireTrace, MetadataNamesProcessesAndThreads)
{
    StringSink process;
    format_process_name(process, 2, "wildfire (agent 2)");
    EXPECT_EQ(process.value, R"json({"ph":"M","name":"process_name","pid":2,"tid":0,"ts":0.000,"args":{"name":"wildfire (agent 2)"}})json");
    StringSink thread;
    format_thread_name(thread, 2, 1, "coordinator");
    EXPECT_EQ(thread.value, R"({"ph":"M","name":"thread_name","pid":2,"tid":1,"ts":0.000,"args":{"name":"coordinator"}})");
}

TEST(WildfireTrace, NegativeNumbers)
{
    TraceArg args[] = { TraceArg::of("delta", -3) };
    EXPECT_EQ(formatted({ .phase = TracePhase::Counter, .name = "c", .pid = 1, .args = args }), R"({"ph":"C","name":"c","pid":1,"tid":0,"ts":0.000,"args":{"delta":-3}})");
}

TEST(WildfireTrace, StringsAreEscaped)
{
    EXPECT_EQ(json_string(""), R"("")");
    EXPECT_EQ(json_string("plain"), R"("plain")");
    EXPECT_EQ(json_string(R"(say "hi")"), R"("say \"hi\"")");
    EXPECT_EQ(json_string(R"(C:\dir\)"), R"("C:\\dir\\")");
    EXPECT_EQ(json_string("a\nb\tc\rd"), R"("a\nb\tc\rd")");
    const char controls[] = { 'x', '\x01', '\x1f', '\x7f', 'y' };
    EXPECT_EQ(json_string(StringView(controls, sizeof(controls))), R"("x\u0001\u001f\u007fy")");
    const char nul[] = { '\0', 'z' };
    EXPECT_EQ(json_string(StringView(nul, sizeof(nul))), R"("\u0000z")");
    // UTF-8 passes through as it is.
    EXPECT_EQ(json_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(WildfireTrace, EscapedNamesAndArgsRoundTrip)
{
    const std::string nasty = std::string("a\"b\\c\nd") + '\x02' + "}{,:";
    TraceArg args[] = { TraceArg::of(StringView(nasty.data(), nasty.size()), StringView(nasty.data(), nasty.size())) };
    std::string line = formatted({ .phase = TracePhase::Instant, .name = StringView(nasty.data(), nasty.size()), .category = "c\"at", .pid = 1, .tid = 1, .args = args });
    JsonChecker checker(line);
    ASSERT_TRUE(checker.valid()) << line;
    EXPECT_EQ(std::count(checker.strings.begin(), checker.strings.end(), nasty), 3) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos); // one event, one line
}

TEST(WildfireTrace, SequenceParsesAsTraceFile)
{
    // What tools/record builds from the TRACE lines: {"traceEvents":[line,line,...]}.
    std::vector<std::string> lines;
    StringSink meta;
    format_process_name(meta, 2, "wildfire");
    lines.push_back(meta.value);
    TraceArg tick[] = { TraceArg::of("tick", 81) };
    lines.push_back(formatted({ .phase = TracePhase::Complete, .name = "tick", .pid = 2, .tid = 1, .ts_ns = 10'000, .duration_ns = 9'000, .args = tick }));
    lines.push_back(formatted({ .phase = TracePhase::Complete, .name = "sense", .category = "round", .pid = 2, .tid = 1, .ts_ns = 11'000, .duration_ns = 2'000 }));
    TraceArg counter[] = { TraceArg::of("messages", 1234567) };
    lines.push_back(formatted({ .phase = TracePhase::Counter, .name = "messages", .pid = 2, .ts_ns = 19'000, .args = counter }));
    TraceArg vote[] = { TraceArg::of("village", 3) };
    lines.push_back(formatted({ .phase = TracePhase::Instant, .name = "village vote", .category = "decision", .pid = 2, .tid = 2, .ts_ns = 19'500, .args = vote }));
    std::string file = "{\"traceEvents\":[";
    for (size_t i = 0; i < lines.size(); ++i) {
        JsonChecker line(lines[i]);
        EXPECT_TRUE(line.valid()) << lines[i];
        file += (i ? ",\n" : "\n") + lines[i];
    }
    file += "\n]}";
    JsonChecker checker(file);
    EXPECT_TRUE(checker.valid()) << file;
    EXPECT_FALSE(JsonChecker(file.substr(0, file.size() - 1)).valid()); // the checker does check
}

TEST(WildfireTrace, TruncatingSinkStillBounded)
{
    char buffer[16];
    BufferSink sink(buffer, sizeof(buffer));
    format_trace_event(sink, { .phase = TracePhase::Complete, .name = "a long span name", .pid = 1, .tid = 1 });
    EXPECT_TRUE(sink.truncated());
    EXPECT_LE(sink.length(), sizeof(buffer));
}

} // namespace

#include <user/wildfire/RoundTimes.h>

namespace {

TEST(WildfireRoundTimes, FromFirstPostToLastCollect)
{
    RoundTimes times;
    times.begin_tick();
    times.posted(Round::Sense, 100);
    times.posted(Round::Sense, 150);
    times.collected(Round::Sense, 400);
    times.collected(Round::Sense, 420);
    times.posted(Round::Act, 500);
    times.collected(Round::Act, 900);
    const RoundSpan& sense = times.span(Round::Sense);
    EXPECT_TRUE(sense.happened());
    EXPECT_EQ(sense.start_ns, 100u);
    EXPECT_EQ(sense.end_ns, 420u);
    EXPECT_EQ(sense.posted, 2u);
    EXPECT_EQ(sense.collected, 2u);
    EXPECT_FALSE(times.span(Round::Offer).happened()); // no auction this tick
    EXPECT_EQ(times.span(Round::Act).end_ns, 900u);
    EXPECT_STREQ(round_name(Round::Offer), "offer");
}

TEST(WildfireRoundTimes, PostsWithoutRepliesAndANewTick)
{
    RoundTimes times;
    times.posted(Round::Act, 700);
    EXPECT_EQ(times.span(Round::Act).end_ns, 700u); // every mind died: an empty span, not a negative one
    times.collected(Round::Act, 650);               // a clock that stepped back does not shorten it
    EXPECT_EQ(times.span(Round::Act).end_ns, 700u);
    times.begin_tick();
    EXPECT_FALSE(times.span(Round::Act).happened());
    EXPECT_EQ(times.span(Round::Act).collected, 0u);
}

} // namespace

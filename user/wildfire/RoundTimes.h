#pragma once

#include <stdint.h>

namespace gehri::wildfire {

// How long the coordinator's rounds took in one tick, as it sees them: from the first request
// posted to the last reply collected. A fleet notes each post and collect; a round that posted
// nothing this tick (no auction, every drone down) has no span.
enum class Round : uint8_t { Sense, Offer, Act };
constexpr uint32_t round_count = 3;
constexpr const char* round_name(Round round)
{
    switch (round) {
    case Round::Sense: return "sense";
    case Round::Offer: return "offer";
    case Round::Act: return "act";
    }
    return "?";
}

struct RoundSpan {
    uint64_t start_ns { 0 };
    uint64_t end_ns { 0 };  // the last collect; start_ns when nothing was collected
    uint32_t posted { 0 };  // requests sent
    uint32_t collected { 0 };
    bool happened() const { return posted > 0; }
};

class RoundTimes {
public:
    void begin_tick()
    {
        for (RoundSpan& span : m_spans)
            span = {};
    }
    void posted(Round round, uint64_t now_ns)
    {
        RoundSpan& span = m_spans[index(round)];
        if (span.posted++ == 0)
            span.start_ns = span.end_ns = now_ns;
    }
    void collected(Round round, uint64_t now_ns)
    {
        RoundSpan& span = m_spans[index(round)];
        ++span.collected;
        if (now_ns > span.end_ns)
            span.end_ns = now_ns;
    }
    const RoundSpan& span(Round round) const { return m_spans[index(round)]; }

private:
    static constexpr uint32_t index(Round round) { return static_cast<uint32_t>(round); }
    RoundSpan m_spans[round_count] {};
};

} // namespace gehri::wildfire

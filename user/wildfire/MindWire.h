#pragma once

#include <kernel/lib/Format.h>
#include <kernel/lib/StringView.h>
#include <stdint.h>
#include <user/wildfire/MindProtocol.h>

// The mind protocol as channel messages and topic samples (agents/wildfire <-> agents/drone).
// Each channel request is a MindHeader followed by its body; each reply is the bare reply
// struct (the coordinator knows what it asked). The drone agent answers requests one at a
// time, in order. The sense round goes over topics: the window to the drone on its own sense
// topic, the report back on the reports topic.
namespace gehri::wildfire {

enum class MindMessage : uint32_t {
    Start = 1, // body: MindStart. No reply.
    Sense = 2, // retired: the window now comes as a sample of the drone's sense topic.
    Offer = 3, // body: OfferRequest (sectors as far as sector_count). Reply: OfferReply.
    Act = 4,   // body: ActRequest. Reply: ActReply.
    Crash = 5, // no body: the chaos monkey. The drone faults for real; its supervisor restarts it.
    Ballot = 6, // body: BallotRequest (the village vote's runoff). Reply: BallotReply.
};

struct MindHeader {
    MindMessage kind;
    uint32_t reserved { 0 };
};

struct MindStart {
    Drone state;
    MindSettings settings;
    // The first tick whose window this incarnation answers: every sample already on its sense
    // topic (a latest value kept for an earlier incarnation) is of an earlier tick.
    uint64_t first_tick { 0 };
};

// What a drone senses comes as a sample of its own topic `wildfire/sense/<drone>`: a
// SenseRequest (the tick, then cells as far as cell_count). The drone's view of the swarm's
// topics may subscribe to that one topic and publish on the reports topic, nothing else: the
// kernel keeps every drone from seeing another's observations. The drone subscribes with
// latest_value, so a new incarnation gets a window published before it subscribed.
constexpr StringView sense_topic_prefix = "wildfire/sense/";
// A drone's sense reply is published on the reports topic (the sender's agent id stamped by the
// kernel), as the tick it answers followed by the SenseReply, cells as far as cell_count.
constexpr StringView reports_topic = "wildfire/reports";
constexpr StringView drone_topics_capability = "topic:wildfire/drone";
// The swarm's blackboard (the fire map, and each auction round's call for bids): the wildfire
// agent's grant from the manifest, and a read-only copy of it each drone's.
constexpr StringView board_capability = "blackboard:fire-map";

// `wildfire/sense/<drone>` in `out`.
struct SenseTopicName {
    explicit SenseTopicName(uint32_t drone)
    {
        BufferSink sink(m_text, sizeof(m_text));
        format_to(sink, "{}{}", sense_topic_prefix, drone);
        m_length = sink.length();
    }
    StringView view() const { return { m_text, m_length }; }

private:
    char m_text[32] {};
    size_t m_length { 0 };
};

struct ReportHeader {
    uint64_t tick { 0 };
};

constexpr size_t report_sample_bytes(uint32_t cells) { return sizeof(ReportHeader) + sense_reply_bytes(cells); }

// Big enough for any request (and for a sense sample).
constexpr size_t max_mind_request_bytes = sizeof(MindHeader) + (sizeof(SenseRequest) > sizeof(OfferRequest) ? sizeof(SenseRequest) : sizeof(OfferRequest));

} // namespace gehri::wildfire

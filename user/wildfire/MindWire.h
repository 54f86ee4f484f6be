#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>
#include <user/wildfire/MindProtocol.h>

// The mind protocol as channel messages (agents/wildfire <-> agents/drone). Each request is a
// MindHeader followed by its body; each reply is the bare reply struct (the coordinator knows
// what it asked). The drone agent answers requests one at a time, in order.
namespace gehri::wildfire {

enum class MindMessage : uint32_t {
    Start = 1, // body: MindStart. No reply.
    Sense = 2, // body: SenseRequest (cells as far as cell_count). Reply: on the reports topic.
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
};

// A drone's sense reply is not sent back on its channel: it is published on the reports topic
// (the sender's agent id stamped by the kernel), as the tick it answers followed by the
// SenseReply, cells as far as cell_count.
constexpr StringView reports_topic = "wildfire/reports";
constexpr StringView reports_capability = "topic:wildfire/reports";

struct ReportHeader {
    uint64_t tick { 0 };
};

constexpr size_t report_sample_bytes(uint32_t cells) { return sizeof(ReportHeader) + sense_reply_bytes(cells); }

// Big enough for any request.
constexpr size_t max_mind_request_bytes = sizeof(MindHeader) + (sizeof(SenseRequest) > sizeof(OfferRequest) ? sizeof(SenseRequest) : sizeof(OfferRequest));

} // namespace gehri::wildfire

#pragma once

#include <stdint.h>
#include <user/wildfire/MindProtocol.h>

// The mind protocol as channel messages (agents/wildfire <-> agents/drone). Each request is a
// MindHeader followed by its body; each reply is the bare reply struct (the coordinator knows
// what it asked). The drone agent answers requests one at a time, in order.
namespace gehri::wildfire {

enum class MindMessage : uint32_t {
    Start = 1, // body: MindStart. No reply.
    Sense = 2, // body: SenseRequest (cells as far as cell_count). Reply: SenseReply.
    Offer = 3, // body: OfferRequest (sectors as far as sector_count). Reply: OfferReply.
    Act = 4,   // body: ActRequest. Reply: ActReply.
    Crash = 5, // no body: the chaos monkey. The drone faults for real; its supervisor restarts it.
};

struct MindHeader {
    MindMessage kind;
    uint32_t reserved { 0 };
};

struct MindStart {
    Drone state;
    MindSettings settings;
};

// Big enough for any request.
constexpr size_t max_mind_request_bytes = sizeof(MindHeader) + (sizeof(SenseRequest) > sizeof(OfferRequest) ? sizeof(SenseRequest) : sizeof(OfferRequest));

} // namespace gehri::wildfire

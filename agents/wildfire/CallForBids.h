#pragma once

#include <user/libgehri/Blackboard.h>
#include <user/wildfire/MindProtocol.h>

namespace gehri::wildfire {

// The call for bids of each auction round on the swarm's blackboard (the board the manifest
// grants as blackboard:fire-map): the open sectors, their targets and kernel auctions, written
// once under call_for_bids_key for every drone to read, instead of a copy in each drone's offer
// message. The drones get a read-only handle to the board at spawn (`drone_grant`).
class CallForBids {
public:
    explicit CallForBids(const Blackboard& board)
        : m_board(board)
    {
    }

    // A handle for a new drone: the board, read only.
    Result<Handle> drone_grant() const { return m_board.handle().duplicate(Rights::Read | Rights::Transfer); }

    // Writes the round's sectors, once per round (the request of every drone in a round carries
    // the same sectors); the offers then say sectors_on_board.
    Result<void> post(const OfferRequest& request);

private:
    const Blackboard& m_board;
    uint64_t m_posted_round { ~uint64_t(0) };
};

} // namespace gehri::wildfire

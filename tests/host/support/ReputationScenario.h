#pragma once

// A reputation service over vectors, and the paper's threat model B on it: shared by the
// reputation, appeal and pre-trust tests.
#include <gtest/gtest.h>
#include <kernel/collective/Reputation.h>
#include <tests/host/support/CollectiveTestSupport.h>
#include <vector>

namespace gehri::collective::testing {

constexpr Nanoseconds second = nanoseconds_per_second;

// A power of two with room for `capacity` agents under the index's 7/8 load limit.
inline size_t index_slots(size_t capacity)
{
    size_t slots = 64;
    while (capacity > slots - slots / 8 - 1)
        slots *= 2;
    return slots;
}

struct Service {
    explicit Service(ReputationConfig config = {}, size_t capacity = 32)
        : peers(capacity)
        , trust(capacity)
        , feedback(1024)
        , index(index_slots(capacity))
    {
        ReputationStorage storage { { peers.data(), peers.size() }, { trust.data(), trust.size() },
            { feedback.data(), feedback.size() }, { index.data(), index.size() } };
        auto created = Reputation::create(config, storage, audit.trail, outbox, 0);
        EXPECT_TRUE(created.is_ok());
        reputation.emplace(created.release_value());
    }

    std::vector<ReputationPeer> peers;
    std::vector<PeerTrust> trust;
    std::vector<FeedbackSlot> feedback;
    std::vector<HashSlot<uint32_t>> index;
    AuditFixture audit;
    RecordingOutbox outbox;
    Optional<Reputation> reputation;
};

// Good agents 1..10 deal well with each other and badly with the collective 101..104, which
// praises itself and slanders the good agents (the paper's threat model B).
inline void run_collective(Service& s, Nanoseconds& now)
{
    for (AgentId a = 1; a <= 10; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, now).is_ok());
    for (AgentId a = 101; a <= 104; ++a)
        ASSERT_TRUE(s.reputation->register_agent(a, now).is_ok());
    const AgentId anchor[] = { 1 };
    ASSERT_TRUE(s.reputation->set_pretrusted(anchor, now).is_ok());
    for (int round = 0; round < 3; ++round) {
        now += 10 * second; // let the report buckets refill
        for (AgentId a = 1; a <= 10; ++a) {
            for (AgentId b = 1; b <= 10; ++b) {
                if (a != b && (a + b + round) % 3 == 0) {
                    ASSERT_TRUE(s.reputation->report(a, b, 4, 0, now).is_ok());
                }
            }
            for (AgentId b = 101; b <= 104; ++b)
                ASSERT_TRUE(s.reputation->report(a, b, 0, 3, now).is_ok());
        }
        for (AgentId a = 101; a <= 104; ++a) {
            for (AgentId b = 101; b <= 104; ++b) {
                if (a != b) {
                    ASSERT_TRUE(s.reputation->report(a, b, 8, 0, now).is_ok());
                }
            }
            for (AgentId b = 1; b <= 10; ++b)
                ASSERT_TRUE(s.reputation->report(a, b, 0, 8, now).is_ok());
        }
    }
}

} // namespace gehri::collective::testing

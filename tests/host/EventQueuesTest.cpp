#include <gtest/gtest.h>
#include <kernel/govern/EventQueues.h>

using namespace gehri;
using namespace gehri::collective;
using gehri::govern::EventQueues;

namespace {

Event event_for(AgentId agent, uint64_t subject) { return Event { agent, EventKind::Quarantined, subject }; }

} // namespace

TEST(EventQueues, QueuesAreMadeOnDemandForThousandsOfAgentsAndFreedOnExit)
{
    EventQueues queues;
    EXPECT_EQ(queues.queue_count(), 0u);
    for (AgentId agent = 1; agent <= 5000; ++agent)
        ASSERT_TRUE(queues.post(event_for(agent, agent)));
    EXPECT_EQ(queues.queue_count(), 5000u);
    EXPECT_EQ(queues.dropped_without_queue(), 0u);
    for (AgentId agent = 1; agent <= 5000; agent += 499) {
        Event out[2];
        ASSERT_EQ(queues.take(agent, out), 1u);
        EXPECT_EQ(out[0].subject, agent);
    }
    for (AgentId agent = 1; agent <= 5000; agent += 2)
        queues.forget(agent);
    EXPECT_EQ(queues.queue_count(), 2500u);
    EXPECT_EQ(queues.pending(3), 0u);
    EXPECT_EQ(queues.pending(4), 1u);
    queues.forget(99'999); // unknown: nothing happens
    EXPECT_EQ(queues.queue_count(), 2500u);
}

TEST(EventQueues, AFullQueueDropsTheOldestAndCountsTheLoss)
{
    EventQueues queues;
    for (uint64_t i = 0; i < EventQueues::events_per_agent + 5; ++i)
        ASSERT_TRUE(queues.post(event_for(7, i)));
    EXPECT_EQ(queues.pending(7), EventQueues::events_per_agent);
    Event first;
    ASSERT_EQ(queues.take(7, Span<Event>(&first, 1)), 1u);
    EXPECT_EQ(first.subject, 5u);
    EXPECT_EQ(queues.take_lost(7), 5u);
    EXPECT_EQ(queues.take_lost(7), 0u);
    EXPECT_EQ(queues.take_lost(8), 0u);
}

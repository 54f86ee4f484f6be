#include <gtest/gtest.h>
#include <kernel/ipc/TopicNamespace.h>
#include <string>
#include <string.h>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

ReadonlyBytes bytes_of(const uint32_t& value) { return { reinterpret_cast<const uint8_t*>(&value), sizeof(value) }; }

uint32_t value_of(const Message& message)
{
    uint32_t value = 0;
    memcpy(&value, message.bytes().data(), sizeof(value));
    return value;
}

Qos best_effort(uint32_t depth) { return { depth, Reliability::BestEffort, false }; }
Qos reliable(uint32_t depth) { return { depth, Reliability::Reliable, false }; }

struct CountingRoomWaiter final : RoomWaiter {
    int told { 0 };
    void on_room() override { ++told; }
};

} // namespace

TEST(IpcTopic, FanOutSharesOnePayload)
{
    auto topic = Topic::create("camera/front").release_value();
    auto publisher = topic->create_publisher().release_value();
    std::vector<OwnPtr<Subscription>> subscriptions;
    for (int i = 0; i < 100; ++i)
        subscriptions.push_back(topic->subscribe(best_effort(4)).release_value());
    std::vector<uint8_t> frame(4096, 0x5a);
    auto payload = Payload::create({ frame.data(), frame.size() }).release_value();
    auto sequence = publisher->publish(77, payload);
    ASSERT_TRUE(sequence.is_ok());
    EXPECT_EQ(sequence.value(), 1u);
    // Ours, the topic's latest value, and one per subscriber: no copies.
    EXPECT_EQ(payload->ref_count(), 102u);
    const uint8_t* address = nullptr;
    for (auto& subscription : subscriptions) {
        EXPECT_EQ(subscription->signals() & signal::readable, signal::readable);
        auto sample = subscription->take().release_value();
        EXPECT_EQ(sample.sender(), 77u);
        EXPECT_EQ(sample.sequence(), 1u);
        if (!address)
            address = sample.bytes().data();
        EXPECT_EQ(sample.bytes().data(), address);
        EXPECT_EQ(subscription->signals() & signal::readable, 0u);
    }
    EXPECT_EQ(payload->ref_count(), 2u);
}

TEST(IpcTopic, BestEffortDropsTheOldestAndCountsIt)
{
    auto topic = Topic::create("lidar").release_value();
    auto subscription = topic->subscribe(best_effort(3)).release_value();
    for (uint32_t i = 1; i <= 5; ++i)
        ASSERT_TRUE(topic->publish(1, bytes_of(i)).is_ok());
    EXPECT_EQ(subscription->dropped(), 2u);
    EXPECT_EQ(subscription->pending(), 3u);
    for (uint32_t expected = 3; expected <= 5; ++expected) {
        auto sample = subscription->take().release_value();
        EXPECT_EQ(value_of(sample), expected);
        EXPECT_EQ(sample.sequence(), expected);
    }
    EXPECT_EQ(subscription->take().error(), Error::WouldBlock);
}

TEST(IpcTopic, ReliableSubscriberBackPressuresEveryone)
{
    auto topic = Topic::create("commands").release_value();
    auto publisher = topic->create_publisher().release_value();
    auto slow = topic->subscribe(reliable(2)).release_value();
    auto fast = topic->subscribe(best_effort(8)).release_value();
    uint32_t one = 1, two = 2, three = 3;
    ASSERT_TRUE(publisher->publish(1, bytes_of(one)).is_ok());
    EXPECT_EQ(publisher->signal_source().signals() & signal::writable, signal::writable);
    ASSERT_TRUE(publisher->publish(1, bytes_of(two)).is_ok());
    EXPECT_EQ(publisher->signal_source().signals() & signal::writable, 0u);
    EXPECT_EQ(publisher->publish(1, bytes_of(three)).error(), Error::QueueFull);
    // All or nothing: the best-effort subscriber did not get the refused sample either.
    EXPECT_EQ(fast->pending(), 2u);
    EXPECT_EQ(topic->published_count(), 2u);
    EXPECT_EQ(value_of(slow->take().release_value()), 1u);
    EXPECT_EQ(publisher->signal_source().signals() & signal::writable, signal::writable);
    ASSERT_TRUE(publisher->publish(1, bytes_of(three)).is_ok());
    EXPECT_EQ(slow->dropped(), 0u);
    EXPECT_EQ(value_of(slow->take().release_value()), 2u);
    EXPECT_EQ(value_of(slow->take().release_value()), 3u);
}

TEST(IpcTopic, UnsubscribingAFullReliableSubscriberReleasesThePublisher)
{
    auto topic = Topic::create("t").release_value();
    auto subscription = topic->subscribe(reliable(1)).release_value();
    uint32_t value = 1;
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    EXPECT_EQ(topic->publish(1, bytes_of(value)).error(), Error::QueueFull);
    subscription = {};
    EXPECT_EQ(topic->subscription_count(), 0u);
    EXPECT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    EXPECT_EQ(topic->publisher_signals().signals() & signal::writable, signal::writable);
}

TEST(IpcTopic, WaitingPublishersAreServedOnePerTakeInArrivalOrder)
{
    auto topic = Topic::create("reports").release_value();
    auto inbox = topic->subscribe(reliable(2)).release_value();
    uint32_t value = 7;
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    CountingRoomWaiter waiters[3];
    for (auto& waiter : waiters)
        topic->wait_for_room(waiter);
    EXPECT_EQ(topic->room_waiter_count(), 3u);
    for (auto& waiter : waiters)
        EXPECT_EQ(waiter.told, 0);
    // One take, one slot: only the first waiter is told, not all three (no thundering herd).
    ASSERT_TRUE(inbox->take().is_ok());
    EXPECT_EQ(waiters[0].told, 1);
    EXPECT_TRUE(waiters[0].was_served());
    EXPECT_EQ(waiters[1].told + waiters[2].told, 0);
    EXPECT_TRUE(topic->stop_waiting_for_room(waiters[0]));
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok()); // the first waiter's turn, used
    topic->pass_room_on(); // full again: nobody is told
    EXPECT_EQ(waiters[1].told, 0);
    ASSERT_TRUE(inbox->take().is_ok());
    EXPECT_EQ(waiters[1].told, 1);
    EXPECT_EQ(waiters[2].told, 0);
    // The second leaves without publishing (timed out): it passes its turn on.
    EXPECT_TRUE(topic->stop_waiting_for_room(waiters[1]));
    topic->pass_room_on();
    EXPECT_EQ(waiters[2].told, 1);
    EXPECT_TRUE(topic->stop_waiting_for_room(waiters[2]));
    EXPECT_EQ(topic->room_waiter_count(), 0u);
}

TEST(IpcTopic, AWaiterIsToldAtOnceWhenThereIsRoomAndNeverAfterItStops)
{
    auto topic = Topic::create("t").release_value();
    auto inbox = topic->subscribe(reliable(1)).release_value();
    CountingRoomWaiter early;
    topic->wait_for_room(early);
    EXPECT_EQ(early.told, 1); // room now: no wait
    EXPECT_TRUE(topic->stop_waiting_for_room(early));
    uint32_t value = 1;
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    CountingRoomWaiter gone, stays;
    topic->wait_for_room(gone);
    topic->wait_for_room(stays);
    EXPECT_FALSE(topic->stop_waiting_for_room(gone)); // left before its turn
    ASSERT_TRUE(inbox->take().is_ok());
    EXPECT_EQ(gone.told, 0);
    EXPECT_EQ(stays.told, 1);
    EXPECT_TRUE(topic->stop_waiting_for_room(stays));
}

TEST(IpcTopic, UnsubscribingAFullReliableSubscriberServesAWaiter)
{
    auto topic = Topic::create("t").release_value();
    auto subscription = topic->subscribe(reliable(1)).release_value();
    uint32_t value = 1;
    ASSERT_TRUE(topic->publish(1, bytes_of(value)).is_ok());
    CountingRoomWaiter waiter;
    topic->wait_for_room(waiter);
    EXPECT_EQ(waiter.told, 0);
    subscription = {};
    EXPECT_EQ(waiter.told, 1);
    EXPECT_TRUE(topic->stop_waiting_for_room(waiter));
}

TEST(IpcTopic, LatestValueForLateJoinersOnly)
{
    auto topic = Topic::create("pose").release_value();
    auto early_plain = topic->subscribe(best_effort(4)).release_value();
    EXPECT_EQ(early_plain->pending(), 0u);
    uint32_t first = 10, second = 20;
    ASSERT_TRUE(topic->publish(5, bytes_of(first)).is_ok());
    ASSERT_TRUE(topic->publish(6, bytes_of(second)).is_ok());
    auto late_plain = topic->subscribe(best_effort(4)).release_value();
    EXPECT_EQ(late_plain->take().error(), Error::WouldBlock);
    auto late_latest = topic->subscribe({ 4, Reliability::Reliable, true }).release_value();
    auto sample = late_latest->take().release_value();
    EXPECT_EQ(value_of(sample), 20u);
    EXPECT_EQ(sample.sender(), 6u);
    EXPECT_EQ(sample.sequence(), 2u);
    EXPECT_EQ(late_latest->take().error(), Error::WouldBlock);
    // On an empty topic a latest-value subscriber simply starts empty.
    auto fresh = Topic::create("fresh").release_value();
    EXPECT_EQ(fresh->subscribe({ 1, Reliability::BestEffort, true }).release_value()->pending(), 0u);
}

TEST(IpcTopic, BadInputAndLimits)
{
    EXPECT_EQ(Topic::create("").error(), Error::InvalidArgument);
    EXPECT_EQ(Topic::create("has space").error(), Error::InvalidArgument);
    EXPECT_EQ(Topic::create("tab\there").error(), Error::InvalidArgument);
    std::string long_name(TopicName::max_length + 1, 'x');
    EXPECT_EQ(Topic::create(long_name.c_str()).error(), Error::TooLarge);
    EXPECT_TRUE(Topic::create(std::string(TopicName::max_length, 'x').c_str()).is_ok());
    EXPECT_EQ(Topic::create("x", { static_cast<uint32_t>(max_message_bytes + 1), 4 }).error(), Error::InvalidArgument);
    EXPECT_EQ(Topic::create("x", { 16, 0 }).error(), Error::InvalidArgument);

    auto topic = Topic::create("small", { 8, 2 }).release_value();
    EXPECT_EQ(topic->subscribe(best_effort(0)).error(), Error::InvalidArgument);
    EXPECT_EQ(topic->subscribe(best_effort(Qos::max_history_depth + 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(topic->subscribe({ 1, static_cast<Reliability>(7), false }).error(), Error::InvalidArgument);
    auto a = topic->subscribe(best_effort(1)).release_value();
    auto b = topic->subscribe(best_effort(1)).release_value();
    EXPECT_EQ(topic->subscribe(best_effort(1)).error(), Error::QuotaExceeded);
    EXPECT_EQ(topic->subscription_count(), 2u);

    uint8_t nine[9] = {};
    EXPECT_EQ(topic->publish(1, { nine, 9 }).error(), Error::TooLarge);
    EXPECT_TRUE(topic->publish(1, { nine, 8 }).is_ok());
    EXPECT_TRUE(topic->publish(1, ReadonlyBytes {}).is_ok());
    auto with_handle = Payload::create_uninitialized(0, 1).release_value();
    EXPECT_EQ(topic->publish(1, with_handle).error(), Error::InvalidArgument);
    EXPECT_EQ(topic->publish(1, PayloadRef {}).error(), Error::InvalidArgument);
}

TEST(IpcTopic, SubscribersKeepTheTopicAlive)
{
    OwnPtr<Subscription> subscription;
    OwnPtr<Publisher> publisher;
    {
        auto topic = Topic::create("orphan").release_value();
        subscription = topic->subscribe(best_effort(2)).release_value();
        publisher = topic->create_publisher().release_value();
    }
    uint32_t value = 3;
    ASSERT_TRUE(publisher->publish(1, bytes_of(value)).is_ok());
    EXPECT_EQ(value_of(subscription->take().release_value()), 3u);
    EXPECT_EQ(subscription->topic().name(), StringView("orphan"));
}

TEST(IpcTopic, ReliableSoakReceivedEqualsSent)
{
    auto topic = Topic::create("soak").release_value();
    std::vector<OwnPtr<Subscription>> subscriptions;
    for (int i = 0; i < 10; ++i)
        subscriptions.push_back(topic->subscribe(reliable(1 + i % 4)).release_value());
    std::vector<uint32_t> received(subscriptions.size(), 0);
    uint32_t sent = 0;
    // The publisher retries on back-pressure; subscribers drain at different rates.
    for (int step = 0; sent < 5000; ++step) {
        if (topic->publish(1, bytes_of(sent)).is_ok())
            ++sent;
        for (size_t i = 0; i < subscriptions.size(); ++i) {
            if (step % (i + 1) != 0)
                continue;
            while (true) {
                auto sample = subscriptions[i]->take();
                if (sample.is_error())
                    break;
                EXPECT_EQ(value_of(sample.value()), received[i]);
                ++received[i];
            }
        }
    }
    for (size_t i = 0; i < subscriptions.size(); ++i) {
        while (subscriptions[i]->take().is_ok())
            ++received[i];
        EXPECT_EQ(received[i], sent);
        EXPECT_EQ(subscriptions[i]->dropped(), 0u);
    }
}

TEST(IpcTopicNamespace, CreateOpenRemove)
{
    auto names = TopicNamespace::create(2).release_value();
    auto created = names->create_topic("a").release_value();
    EXPECT_EQ(names->create_topic("a").error(), Error::AlreadyExists);
    auto opened = names->open("a").release_value();
    EXPECT_EQ(opened.get(), created.get());
    EXPECT_EQ(names->open("b").error(), Error::NotFound);
    auto b = names->open_or_create("b").release_value();
    EXPECT_EQ(names->open_or_create("b").release_value().get(), b.get());
    EXPECT_EQ(names->create_topic("c").error(), Error::QuotaExceeded);
    EXPECT_EQ(names->create_topic("").error(), Error::InvalidArgument);
    EXPECT_EQ(names->topic_count(), 2u);
    ASSERT_TRUE(names->remove("a").is_ok());
    EXPECT_EQ(names->remove("a").error(), Error::NotFound);
    EXPECT_EQ(names->open("a").error(), Error::NotFound);
    // The removed topic lives on for those who hold it.
    uint32_t value = 1;
    EXPECT_TRUE(created->publish(1, bytes_of(value)).is_ok());
    EXPECT_TRUE(names->create_topic("c").is_ok());
    EXPECT_EQ(TopicNamespace::create(0).error(), Error::InvalidArgument);
}

TEST(IpcTopicNamespace, NamespacesAreSeparate)
{
    auto first = TopicNamespace::create().release_value();
    auto second = TopicNamespace::create().release_value();
    auto topic = first->create_topic("shared-name").release_value();
    EXPECT_EQ(second->open("shared-name").error(), Error::NotFound);
    auto other = second->create_topic("shared-name").release_value();
    EXPECT_NE(topic.get(), other.get());
}

// A swarm's namespace: a topic per member, found by name through the index as it grows,
// removed and made again.
TEST(IpcTopicNamespace, ThousandsOfTopicsAreFoundByName)
{
    constexpr int count = 7000;
    auto names = TopicNamespace::create(count).release_value();
    std::vector<RefPtr<Topic>> made;
    for (int i = 0; i < count; ++i) {
        std::string name = "wildfire/sense/" + std::to_string(i);
        auto topic = names->create_topic(StringView(name.data(), name.size()));
        ASSERT_TRUE(topic.is_ok()) << i;
        made.push_back(topic.release_value());
    }
    EXPECT_EQ(names->topic_count(), size_t(count));
    EXPECT_EQ(names->create_topic("one/too/many").error(), Error::QuotaExceeded);
    EXPECT_EQ(names->create_topic("wildfire/sense/42").error(), Error::AlreadyExists);
    for (int i = 0; i < count; i += 7) {
        std::string name = "wildfire/sense/" + std::to_string(i);
        auto found = names->open(StringView(name.data(), name.size()));
        ASSERT_TRUE(found.is_ok()) << i;
        EXPECT_EQ(found.value().get(), made[i].get());
    }
    EXPECT_EQ(names->open("wildfire/sense/7000").error(), Error::NotFound);
    for (int i = 0; i < count; i += 2) {
        std::string name = "wildfire/sense/" + std::to_string(i);
        ASSERT_TRUE(names->remove(StringView(name.data(), name.size())).is_ok()) << i;
    }
    EXPECT_EQ(names->topic_count(), size_t(count / 2));
    EXPECT_EQ(names->open("wildfire/sense/10").error(), Error::NotFound);
    EXPECT_EQ(names->open("wildfire/sense/11").value().get(), made[11].get());
    auto again = names->open_or_create("wildfire/sense/10");
    ASSERT_TRUE(again.is_ok());
    EXPECT_NE(again.value().get(), made[10].get());
    EXPECT_EQ(names->open_or_create("wildfire/sense/11").value().get(), made[11].get());
}

TEST(IpcTopicNamespace, DyingNamespaceReleasesItsTopics)
{
    RefPtr<Topic> kept;
    {
        auto names = TopicNamespace::create().release_value();
        kept = names->create_topic("kept").release_value();
        EXPECT_EQ(kept->ref_count(), 2u);
    }
    EXPECT_EQ(kept->ref_count(), 1u);
}

TEST(IpcTopic, ConcurrentReliableSubscribersReceiveEverything)
{
    auto topic = Topic::create("stress").release_value();
    constexpr uint32_t count = 20000;
    constexpr int readers = 3;
    std::vector<OwnPtr<Subscription>> subscriptions;
    for (int i = 0; i < readers; ++i)
        subscriptions.push_back(topic->subscribe(reliable(4 + i)).release_value());
    std::vector<uint32_t> errors(readers, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < readers; ++i) {
        threads.emplace_back([&, i] {
            for (uint32_t expected = 0; expected < count;) {
                auto sample = subscriptions[i]->take();
                if (sample.is_error()) {
                    std::this_thread::yield();
                    continue;
                }
                errors[i] += value_of(sample.value()) != expected;
                ++expected;
            }
        });
    }
    for (uint32_t sent = 0; sent < count;) {
        if (topic->publish(1, bytes_of(sent)).is_ok())
            ++sent;
        else
            std::this_thread::yield();
    }
    for (auto& thread : threads)
        thread.join();
    for (int i = 0; i < readers; ++i) {
        EXPECT_EQ(errors[i], 0u);
        EXPECT_EQ(subscriptions[i]->dropped(), 0u);
    }
}

TEST(IpcTopic, ClosedGatePassesTheSubscriptionBy)
{
    auto topic = Topic::create("swarm/plan").release_value();
    auto gate = DeliveryGate::create().release_value();
    auto cut_off = topic->subscribe(reliable(1), gate).release_value();
    auto other = topic->subscribe(best_effort(4)).release_value();
    ASSERT_TRUE(topic->publish(1, bytes_of(1)).is_ok());
    EXPECT_EQ(cut_off->pending(), 1u);

    gate->set(DeliveryGate::Reason::Quarantined, true);
    EXPECT_TRUE(gate->is_closed());
    // Its full reliable queue does not hold the others back, and it receives nothing.
    ASSERT_TRUE(cut_off->take().is_ok());
    ASSERT_TRUE(topic->publish(1, bytes_of(2)).is_ok());
    ASSERT_TRUE(topic->publish(1, bytes_of(3)).is_ok());
    EXPECT_EQ(cut_off->pending(), 0u);
    EXPECT_EQ(other->pending(), 3u);
    // A late joiner behind a closed gate is not handed the latest value either.
    auto late = topic->subscribe({ 1, Reliability::BestEffort, true }, gate).release_value();
    EXPECT_EQ(late->pending(), 0u);

    // Two reasons: the gate opens only when both are lifted.
    gate->set(DeliveryGate::Reason::Isolated, true);
    gate->set(DeliveryGate::Reason::Quarantined, false);
    EXPECT_TRUE(gate->is_closed());
    EXPECT_TRUE(gate->has(DeliveryGate::Reason::Isolated));
    EXPECT_FALSE(gate->has(DeliveryGate::Reason::Quarantined));
    gate->set(DeliveryGate::Reason::Isolated, false);
    EXPECT_FALSE(gate->is_closed());
    ASSERT_TRUE(topic->publish(1, bytes_of(4)).is_ok());
    EXPECT_EQ(value_of(cut_off->take().release_value()), 4u);
    EXPECT_EQ(value_of(late->take().release_value()), 4u);
    // Subscriptions share the gate by reference: ours, and one per gated subscription.
    EXPECT_EQ(gate->ref_count(), 3u);
}

#include <gtest/gtest.h>
#include <kernel/ipc/Channel.h>
#include <kernel/ipc/HandleDisposal.h>
#include <string.h>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

Message text(AgentId sender, const char* string)
{
    return Message::create(sender, { reinterpret_cast<const uint8_t*>(string), strlen(string) }).release_value();
}

std::string as_text(const Message& message) { return std::string(reinterpret_cast<const char*>(message.bytes().data()), message.size()); }

std::vector<HandleToken> g_disposed;
void record_disposal(Span<const HandleToken> tokens)
{
    for (HandleToken token : tokens)
        g_disposed.push_back(token);
}

} // namespace

TEST(IpcChannel, MessagesFlowBothWaysWithTheSenderStamped)
{
    auto channel = Channel::create().release_value();
    ASSERT_TRUE(channel->first().write(text(100, "ping")).is_ok());
    ASSERT_TRUE(channel->second().write(text(200, "pong")).is_ok());
    auto at_second = channel->second().read().release_value();
    EXPECT_EQ(as_text(at_second), "ping");
    EXPECT_EQ(at_second.sender(), 100u);
    auto at_first = channel->first().read().release_value();
    EXPECT_EQ(as_text(at_first), "pong");
    EXPECT_EQ(at_first.sender(), 200u);
    EXPECT_EQ(channel->first().read().error(), Error::WouldBlock);
    EXPECT_EQ(&channel->endpoint(0), &channel->first());
    EXPECT_EQ(&channel->endpoint(1), &channel->second());
}

TEST(IpcChannel, SignalsFollowTheQueues)
{
    auto channel = Channel::create({ 2, 1024 }).release_value();
    ChannelEndpoint& a = channel->first();
    ChannelEndpoint& b = channel->second();
    EXPECT_EQ(a.signals(), signal::writable);
    EXPECT_EQ(b.signals(), signal::writable);
    ASSERT_TRUE(a.write(text(1, "1")).is_ok());
    EXPECT_EQ(b.signals(), signal::readable | signal::writable);
    EXPECT_EQ(a.signals(), signal::writable);
    ASSERT_TRUE(a.write(text(1, "2")).is_ok());
    EXPECT_EQ(a.signals(), signal::none); // b's queue is full: a cannot write
    EXPECT_EQ(a.write(text(1, "3")).error(), Error::QueueFull);
    (void)b.read();
    EXPECT_EQ(a.signals(), signal::writable);
    (void)b.read();
    EXPECT_EQ(b.signals(), signal::writable);
}

TEST(IpcChannel, PeerClosedOnWriteAndOnDrainedRead)
{
    auto channel = Channel::create().release_value();
    ChannelEndpoint& a = channel->first();
    ChannelEndpoint& b = channel->second();
    ASSERT_TRUE(a.write(text(1, "last words")).is_ok());
    a.close();
    EXPECT_EQ(b.signals(), signal::readable | signal::peer_closed);
    EXPECT_EQ(b.write(text(2, "too late")).error(), Error::PeerClosed);
    EXPECT_EQ(as_text(b.read().release_value()), "last words");
    EXPECT_EQ(b.read().error(), Error::PeerClosed); // empty for good, not WouldBlock
    EXPECT_EQ(b.peek().error(), Error::PeerClosed);
    EXPECT_EQ(b.signals(), signal::peer_closed);
    // The closed end itself is unusable.
    EXPECT_EQ(a.write(text(1, "x")).error(), Error::BadHandle);
    EXPECT_EQ(a.read().error(), Error::BadHandle);
    EXPECT_EQ(a.peek().error(), Error::BadHandle);
    a.close(); // idempotent
}

TEST(IpcChannel, ClosingDiscardsQueuedMessagesAndTheirHandles)
{
    g_disposed.clear();
    set_handle_disposer(record_disposal);
    {
        auto channel = Channel::create().release_value();
        HandleToken tokens[] = { 41, 42 };
        ASSERT_TRUE(channel->first().write(Message::create(1, {}, tokens).release_value()).is_ok());
        channel->second().close();
        EXPECT_EQ(g_disposed, (std::vector<HandleToken> { 41, 42 }));
        // A refused write consumes its handles too.
        HandleToken refused = 43;
        EXPECT_EQ(channel->first().write(Message::create(1, {}, { &refused, 1 }).release_value()).error(), Error::PeerClosed);
        EXPECT_EQ(g_disposed.back(), 43u);
    }
    set_handle_disposer(nullptr);
}

TEST(IpcChannel, HandlesArriveAndCanBeTaken)
{
    g_disposed.clear();
    set_handle_disposer(record_disposal);
    auto channel = Channel::create().release_value();
    HandleToken tokens[] = { 7, 8, 9 };
    ASSERT_TRUE(channel->first().write(Message::create(1, {}, tokens).release_value()).is_ok());
    auto pending = channel->second().peek().release_value();
    EXPECT_EQ(pending.bytes, 0u);
    EXPECT_EQ(pending.handles, 3u);
    auto message = channel->second().read().release_value();
    ASSERT_EQ(message.handles().size(), 3u);
    EXPECT_EQ(message.handles()[2], 9u);
    message.forget_handles();
    EXPECT_TRUE(g_disposed.empty());
    set_handle_disposer(nullptr);
}

TEST(IpcChannel, OversizedForTheQueueIsTooLarge)
{
    auto channel = Channel::create({ 8, 100 }).release_value();
    std::vector<uint8_t> big(101);
    EXPECT_EQ(channel->first().write(Message::create(1, { big.data(), big.size() }).release_value()).error(), Error::TooLarge);
    EXPECT_EQ(Channel::create({ 0, 100 }).error(), Error::InvalidArgument);
}

TEST(IpcChannel, FullQueueThenDrainKeepsOrder)
{
    auto channel = Channel::create({ 64, 1 << 20 }).release_value();
    int sent = 0;
    while (channel->first().write(Message::create(1, { reinterpret_cast<const uint8_t*>(&sent), sizeof(sent) }).release_value()).is_ok())
        ++sent;
    EXPECT_EQ(sent, 64);
    for (int i = 0; i < sent; ++i) {
        auto message = channel->second().read().release_value();
        int value;
        memcpy(&value, message.bytes().data(), sizeof(value));
        EXPECT_EQ(value, i);
    }
}

TEST(IpcChannel, ConcurrentPingPongLosesNothing)
{
    auto channel = Channel::create({ 8, 4096 }).release_value();
    constexpr uint32_t rounds = 20000;
    std::thread echo([&] {
        for (uint32_t received = 0; received < rounds;) {
            auto message = channel->second().read();
            if (message.is_error()) {
                std::this_thread::yield();
                continue;
            }
            ++received;
            while (channel->second().write(std::move(message.value())).is_error())
                std::this_thread::yield();
        }
    });
    uint32_t mismatches = 0;
    for (uint32_t i = 0; i < rounds; ++i) {
        ASSERT_TRUE(channel->first().write(Message::create(1, { reinterpret_cast<const uint8_t*>(&i), sizeof(i) }).release_value()).is_ok());
        for (;;) {
            auto reply = channel->first().read();
            if (reply.is_error()) {
                std::this_thread::yield();
                continue;
            }
            uint32_t value;
            memcpy(&value, reply.value().bytes().data(), sizeof(value));
            mismatches += value != i;
            break;
        }
    }
    echo.join();
    EXPECT_EQ(mismatches, 0u);
}

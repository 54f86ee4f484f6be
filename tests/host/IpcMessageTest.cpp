#include <gtest/gtest.h>
#include <kernel/ipc/HandleDisposal.h>
#include <kernel/ipc/Message.h>
#include <kernel/ipc/MessageQueue.h>
#include <kernel/ipc/Payload.h>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

std::vector<HandleToken> g_disposed;

void record_disposal(Span<const HandleToken> tokens)
{
    for (HandleToken token : tokens)
        g_disposed.push_back(token);
}

// Installs a disposer that records tokens for the duration of a test.
struct DisposerScope {
    DisposerScope()
    {
        g_disposed.clear();
        set_handle_disposer(record_disposal);
    }
    ~DisposerScope() { set_handle_disposer(nullptr); }
};

std::vector<uint8_t> pattern(size_t size, uint8_t seed)
{
    std::vector<uint8_t> bytes(size);
    for (size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<uint8_t>(seed + i * 7);
    return bytes;
}

ReadonlyBytes view(const std::vector<uint8_t>& bytes) { return { bytes.data(), bytes.size() }; }

bool same(ReadonlyBytes bytes, const std::vector<uint8_t>& expected)
{
    return bytes.size() == expected.size() && (expected.empty() || memcmp(bytes.data(), expected.data(), expected.size()) == 0);
}

Message make(AgentId sender, size_t size, uint8_t seed = 1)
{
    auto bytes = pattern(size, seed);
    return Message::create(sender, view(bytes)).release_value();
}

} // namespace

TEST(IpcPayload, SharesOneCopyByReference)
{
    auto bytes = pattern(1000, 3);
    PayloadRef payload = Payload::create(view(bytes)).release_value();
    EXPECT_EQ(payload->ref_count(), 1u);
    {
        PayloadRef second = payload;
        PayloadRef third = second;
        EXPECT_EQ(payload->ref_count(), 3u);
        EXPECT_EQ(second->bytes().data(), payload->bytes().data());
    }
    EXPECT_EQ(payload->ref_count(), 1u);
    EXPECT_TRUE(same(payload->bytes(), bytes));
}

TEST(IpcPayload, LimitsAndEmpty)
{
    EXPECT_EQ(Payload::create_uninitialized(max_message_bytes + 1).error(), Error::TooLarge);
    EXPECT_EQ(Payload::create_uninitialized(0, max_message_handles + 1).error(), Error::TooLarge);
    auto empty = Payload::create({}).release_value();
    EXPECT_EQ(empty->size(), 0u);
    auto full = Payload::create_uninitialized(max_message_bytes, max_message_handles).release_value();
    EXPECT_EQ(full->handles().size(), max_message_handles);
    // Handles sit after the bytes, aligned, and do not overlap them.
    EXPECT_EQ(reinterpret_cast<uintptr_t>(full->handles().data()) % alignof(HandleToken), 0u);
    EXPECT_GE(reinterpret_cast<const uint8_t*>(full->handles().data()), full->bytes().data() + full->size());
}

TEST(IpcMessage, SmallPayloadIsInlineLargeIsShared)
{
    Message small = make(7, message_inline_bytes);
    EXPECT_FALSE(small.is_shared_payload());
    EXPECT_EQ(small.sender(), 7u);
    Message large = make(7, message_inline_bytes + 1);
    EXPECT_TRUE(large.is_shared_payload());
    EXPECT_TRUE(same(large.bytes(), pattern(message_inline_bytes + 1, 1)));
}

TEST(IpcMessage, MovingKeepsBytesAndEmptiesTheSource)
{
    Message original = make(9, 40, 5);
    Message moved = std::move(original);
    EXPECT_TRUE(same(moved.bytes(), pattern(40, 5)));
    EXPECT_EQ(original.size(), 0u);
    Message assigned;
    assigned = std::move(moved);
    EXPECT_TRUE(same(assigned.bytes(), pattern(40, 5)));
    EXPECT_EQ(assigned.sender(), 9u);
}

TEST(IpcMessage, RejectsOversizedPayloadOrHandleCount)
{
    std::vector<uint8_t> too_big(max_message_bytes + 1);
    EXPECT_EQ(Message::create(1, view(too_big)).error(), Error::TooLarge);
    std::vector<HandleToken> too_many(max_message_handles + 1, 1);
    EXPECT_EQ(Message::create(1, {}, { too_many.data(), too_many.size() }).error(), Error::TooLarge);
    std::vector<uint8_t> max(max_message_bytes, 0xab);
    auto ok = Message::create(1, view(max));
    ASSERT_TRUE(ok.is_ok());
    EXPECT_EQ(ok.value().size(), max_message_bytes);
}

TEST(IpcMessage, UndeliveredHandlesGoToTheDisposerExactlyOnce)
{
    DisposerScope scope;
    HandleToken tokens[] = { 11, 12, 13 };
    {
        Message message = Message::create(1, {}, tokens).release_value();
        ASSERT_EQ(message.handles().size(), 3u);
        EXPECT_EQ(message.handles()[1], 12u);
        Message moved = std::move(message); // the moved-from one must not dispose
    }
    EXPECT_EQ(g_disposed, (std::vector<HandleToken> { 11, 12, 13 }));
    g_disposed.clear();
    {
        Message message = Message::create(1, {}, tokens).release_value();
        message.forget_handles(); // the receiver took them
    }
    EXPECT_TRUE(g_disposed.empty());
}

TEST(IpcMessage, SharingRefusesHandles)
{
    HandleToken token = 5;
    Message with_handle = Message::create(1, {}, { &token, 1 }).release_value();
    EXPECT_EQ(with_handle.clone_shared().error(), Error::InvalidArgument);
    auto payload = Payload::create_uninitialized(4, 1).release_value();
    EXPECT_EQ(Message::share(1, payload).error(), Error::InvalidArgument);
    EXPECT_EQ(Message::share(1, PayloadRef {}).error(), Error::InvalidArgument);
    with_handle.forget_handles();
}

TEST(IpcMessage, CloneSharedReusesTheBody)
{
    Message large = make(3, 500);
    Message clone = large.clone_shared().release_value();
    EXPECT_EQ(clone.bytes().data(), large.bytes().data());
    Message small = make(3, 10);
    Message small_clone = small.clone_shared().release_value();
    EXPECT_TRUE(same(small_clone.bytes(), pattern(10, 1)));
}

TEST(IpcMessageQueue, FifoOrderAcrossWrapAround)
{
    auto queue = MessageQueue::create({ 4, 1 << 20 }).release_value();
    uint8_t next_in = 0, next_out = 0;
    for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 3; ++i)
            ASSERT_TRUE(queue.enqueue(make(1, 8, next_in++)).is_ok());
        for (int i = 0; i < 3; ++i) {
            auto message = queue.dequeue();
            ASSERT_TRUE(message.is_ok());
            EXPECT_TRUE(same(message.value().bytes(), pattern(8, next_out++)));
        }
    }
    EXPECT_TRUE(queue.is_empty());
}

TEST(IpcMessageQueue, CountLimit)
{
    auto queue = MessageQueue::create({ 2, 1 << 20 }).release_value();
    EXPECT_TRUE(queue.enqueue(make(1, 1)).is_ok());
    EXPECT_TRUE(queue.enqueue(make(1, 1)).is_ok());
    EXPECT_TRUE(queue.is_full());
    EXPECT_EQ(queue.enqueue(make(1, 1)).error(), Error::QueueFull);
    EXPECT_EQ(queue.count(), 2u);
}

TEST(IpcMessageQueue, ByteLimitCountsInlineAndSharedBytes)
{
    auto queue = MessageQueue::create({ 16, 100 }).release_value();
    EXPECT_TRUE(queue.enqueue(make(1, 60)).is_ok());
    EXPECT_EQ(queue.bytes(), 60u);
    EXPECT_EQ(queue.enqueue(make(1, 41)).error(), Error::QueueFull);
    EXPECT_TRUE(queue.enqueue(make(1, 40)).is_ok());
    EXPECT_TRUE(queue.is_full());
    EXPECT_EQ(queue.enqueue(make(1, 1)).error(), Error::QueueFull);
    // Full means "no byte left": a message without bytes still fits (the count bounds it).
    EXPECT_TRUE(queue.enqueue(make(1, 0)).is_ok());
    EXPECT_EQ(queue.enqueue(make(1, 101)).error(), Error::TooLarge); // could never fit
    (void)queue.dequeue();
    EXPECT_EQ(queue.bytes(), 40u);
}

TEST(IpcMessageQueue, EmptyVersusClosedProducer)
{
    auto queue = MessageQueue::create({ 4, 1024 }).release_value();
    EXPECT_EQ(queue.dequeue().error(), Error::WouldBlock);
    EXPECT_TRUE(queue.enqueue(make(1, 1)).is_ok());
    queue.close_producer();
    EXPECT_TRUE(queue.dequeue().is_ok()); // what was sent before the close is still delivered
    EXPECT_EQ(queue.dequeue().error(), Error::PeerClosed);
}

TEST(IpcMessageQueue, BadLimits)
{
    EXPECT_EQ(MessageQueue::create({ 0, 10 }).error(), Error::InvalidArgument);
    EXPECT_EQ(MessageQueue::create({ 10, 0 }).error(), Error::InvalidArgument);
    EXPECT_EQ(MessageQueue::create({ MessageQueue::max_capacity + 1, 10 }).error(), Error::InvalidArgument);
}

TEST(IpcMessageQueue, FrontPeeksWithoutTaking)
{
    auto queue = MessageQueue::create({ 4, 1024 }).release_value();
    EXPECT_EQ(queue.front(), nullptr);
    ASSERT_TRUE(queue.enqueue(make(5, 33)).is_ok());
    ASSERT_NE(queue.front(), nullptr);
    EXPECT_EQ(queue.front()->size(), 33u);
    EXPECT_EQ(queue.count(), 1u);
}

TEST(IpcMessageQueue, DroppingAndDestroyingDisposeHandles)
{
    DisposerScope scope;
    HandleToken a = 1, b = 2;
    {
        auto queue = MessageQueue::create({ 4, 1024 }).release_value();
        ASSERT_TRUE(queue.enqueue(Message::create(1, {}, { &a, 1 }).release_value()).is_ok());
        ASSERT_TRUE(queue.enqueue(Message::create(1, {}, { &b, 1 }).release_value()).is_ok());
        EXPECT_TRUE(queue.drop_oldest());
        EXPECT_EQ(g_disposed, (std::vector<HandleToken> { 1 }));
    }
    EXPECT_EQ(g_disposed, (std::vector<HandleToken> { 1, 2 }));
}

TEST(IpcMessageQueue, MovedFromQueueRefusesEverything)
{
    auto queue = MessageQueue::create({ 4, 1024 }).release_value();
    ASSERT_TRUE(queue.enqueue(make(1, 3)).is_ok());
    MessageQueue other = std::move(queue);
    EXPECT_EQ(other.count(), 1u);
    EXPECT_TRUE(queue.is_empty());
    EXPECT_TRUE(queue.is_full());
    EXPECT_NE(queue.enqueue(make(1, 1)).error(), Error::OutOfMemory);
    EXPECT_TRUE(queue.enqueue(make(1, 1)).is_error());
}

// The ring starts with a few slots and doubles up to its bound as messages arrive: an idle
// channel end costs four slots, a busy one its whole bound, and the order never changes, also
// when the ring grows while its contents wrap around its end.
TEST(IpcMessageQueue, GrowsOnDemandUpToItsBoundKeepingOrder)
{
    auto queue = ipc::MessageQueue::create({ 64, 1 << 20 }).release_value();
    EXPECT_EQ(queue.slot_capacity(), ipc::MessageQueue::initial_slots);
    auto message_with = [](uint32_t value) {
        uint8_t bytes[4];
        __builtin_memcpy(bytes, &value, 4);
        return ipc::Message::create(7, ReadonlyBytes(bytes, 4)).release_value();
    };
    auto value_of = [](const ipc::Message& message) {
        uint32_t value = 0;
        __builtin_memcpy(&value, message.bytes().data(), 4);
        return value;
    };
    uint32_t next_in = 0;
    uint32_t next_out = 0;
    // Three in, two out, so the live messages wrap around the ring's end before each growth.
    while (next_in < 120) {
        for (int i = 0; i < 3 && next_in < 120; ++i) {
            auto enqueued = queue.enqueue(message_with(next_in));
            if (enqueued.is_error()) {
                EXPECT_EQ(enqueued.error(), Error::QueueFull);
                EXPECT_EQ(queue.count(), 64u);
                break;
            }
            ++next_in;
        }
        for (int i = 0; i < 2; ++i) {
            auto message = queue.dequeue();
            ASSERT_TRUE(message.is_ok());
            EXPECT_EQ(value_of(message.value()), next_out++);
        }
        EXPECT_LE(queue.slot_capacity(), 64u);
    }
    EXPECT_EQ(queue.slot_capacity(), 64u);
    while (!queue.is_empty())
        EXPECT_EQ(value_of(queue.dequeue().release_value()), next_out++);
    EXPECT_EQ(next_out, next_in);
}

TEST(IpcMessageQueue, ASmallBoundNeverAllocatesMoreThanIt)
{
    auto queue = ipc::MessageQueue::create({ 3, 1 << 20 }).release_value();
    EXPECT_EQ(queue.slot_capacity(), 3u);
    uint8_t byte = 1;
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(queue.enqueue(ipc::Message::create(1, ReadonlyBytes(&byte, 1)).release_value()).is_ok());
    EXPECT_EQ(queue.enqueue(ipc::Message::create(1, ReadonlyBytes(&byte, 1)).release_value()).error(), Error::QueueFull);
    EXPECT_EQ(queue.slot_capacity(), 3u);
}

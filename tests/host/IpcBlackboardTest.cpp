#include <gtest/gtest.h>
#include <kernel/ipc/Blackboard.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

ReadonlyBytes bytes_of(const char* text) { return { reinterpret_cast<const uint8_t*>(text), strlen(text) }; }
PayloadRef payload_of(const char* text) { return Payload::create(bytes_of(text)).release_value(); }
std::string text_of(const PayloadRef& payload) { return std::string(reinterpret_cast<const char*>(payload->bytes().data()), payload->size()); }

RefPtr<Blackboard> board(BlackboardLimits limits = {}) { return Blackboard::create(limits).release_value(); }

} // namespace

TEST(IpcBlackboard, PutGetRecordsWriterTimeAndVersion)
{
    auto b = board();
    EXPECT_EQ(b->get("goal").error(), Error::NotFound);
    EXPECT_EQ(b->put(7, 1000, "goal", bytes_of("north")).value(), 1u);
    auto value = b->get("goal").release_value();
    EXPECT_EQ(text_of(value.value), "north");
    EXPECT_EQ(value.version, 1u);
    EXPECT_EQ(value.created_version, 1u);
    EXPECT_EQ(value.writer, 7u);
    EXPECT_EQ(value.time_ns, 1000u);

    EXPECT_EQ(b->put(8, 2000, "other", bytes_of("x")).value(), 2u);
    EXPECT_EQ(b->put(9, 3000, "goal", bytes_of("south")).value(), 3u);
    value = b->get("goal").release_value();
    EXPECT_EQ(text_of(value.value), "south");
    EXPECT_EQ(value.version, 3u);
    EXPECT_EQ(value.created_version, 1u);
    EXPECT_EQ(value.writer, 9u);
    EXPECT_EQ(value.time_ns, 3000u);
    EXPECT_EQ(b->revision(), 3u);
    EXPECT_EQ(b->entry_count(), 2u);
}

TEST(IpcBlackboard, ReaderKeepsItsValueAcrossOverwrite)
{
    auto b = board();
    ASSERT_TRUE(b->put(1, 0, "k", bytes_of("old")).is_ok());
    auto held = b->get("k").release_value();
    ASSERT_TRUE(b->put(1, 0, "k", bytes_of("new")).is_ok());
    ASSERT_TRUE(b->remove(1, 0, "k").is_ok());
    EXPECT_EQ(text_of(held.value), "old");
}

TEST(IpcBlackboard, CompareAndSwap)
{
    auto b = board();
    // Version 0 means "create only".
    EXPECT_EQ(b->compare_and_swap(1, 0, "lock", 0, payload_of("agent-1")).value(), 1u);
    EXPECT_EQ(b->compare_and_swap(2, 0, "lock", 0, payload_of("agent-2")).error(), Error::VersionMismatch);
    EXPECT_EQ(b->compare_and_swap(2, 0, "lock", 5, payload_of("agent-2")).error(), Error::VersionMismatch);
    EXPECT_EQ(text_of(b->get("lock").value().value), "agent-1");
    EXPECT_EQ(b->revision(), 1u); // failed swaps change nothing
    EXPECT_EQ(b->compare_and_swap(2, 0, "lock", 1, payload_of("agent-2")).value(), 2u);
    EXPECT_EQ(b->get("lock").value().writer, 2u);
    EXPECT_EQ(b->compare_and_swap(1, 0, "absent", 3, payload_of("v")).error(), Error::VersionMismatch);
    EXPECT_EQ(b->compare_and_swap(1, 0, "lock", Blackboard::any_version, payload_of("v")).error(), Error::InvalidArgument);
}

TEST(IpcBlackboard, RemoveWithAndWithoutVersion)
{
    auto b = board();
    EXPECT_EQ(b->remove(1, 0, "k").error(), Error::NotFound);
    ASSERT_TRUE(b->put(1, 0, "k", bytes_of("v")).is_ok());
    EXPECT_EQ(b->remove(1, 0, "k", 9).error(), Error::VersionMismatch);
    EXPECT_EQ(b->remove(1, 0, "k", 1).value(), 2u);
    EXPECT_EQ(b->get("k").error(), Error::NotFound);
    EXPECT_EQ(b->entry_count(), 0u);
    // Re-creating gives a fresh created_version.
    ASSERT_TRUE(b->put(1, 0, "k", bytes_of("again")).is_ok());
    EXPECT_EQ(b->get("k").value().created_version, 3u);
}

TEST(IpcBlackboard, BadKeysAndValues)
{
    auto b = board({ 8, 16, 1024, 100, 4, 8 });
    EXPECT_EQ(b->put(1, 0, "", bytes_of("v")).error(), Error::InvalidArgument);
    EXPECT_EQ(b->put(1, 0, "123456789", bytes_of("v")).error(), Error::TooLarge);
    EXPECT_TRUE(b->put(1, 0, "12345678", bytes_of("v")).is_ok());
    EXPECT_EQ(b->put(1, 0, "k", bytes_of("0123456789abcdefX")).error(), Error::TooLarge);
    EXPECT_TRUE(b->put(1, 0, "k", bytes_of("0123456789abcdef")).is_ok());
    EXPECT_TRUE(b->put(1, 0, "empty", ReadonlyBytes {}).is_ok());
    EXPECT_EQ(b->put(1, 0, "k", PayloadRef {}).error(), Error::InvalidArgument);
    EXPECT_EQ(b->put(1, 0, "k", Payload::create_uninitialized(1, 1).release_value()).error(), Error::InvalidArgument);
    EXPECT_EQ(b->get("").error(), Error::InvalidArgument);
    EXPECT_EQ(b->remove(1, 0, "123456789").error(), Error::TooLarge);
    // Keys are bytes: an embedded NUL is just another byte.
    EXPECT_TRUE(b->put(1, 0, StringView("a\0b", 3), bytes_of("1")).is_ok());
    EXPECT_EQ(b->get(StringView("a\0c", 3)).error(), Error::NotFound);
    EXPECT_EQ(Blackboard::create({ 0, 16, 1024, 100, 4, 8 }).error(), Error::InvalidArgument);
    EXPECT_EQ(Blackboard::create({ 8, 16, 0, 100, 4, 8 }).error(), Error::InvalidArgument);
    EXPECT_EQ(Blackboard::create({ 8, static_cast<uint32_t>(max_message_bytes + 1), 1024, 100, 4, 8 }).error(), Error::InvalidArgument);
}

TEST(IpcBlackboard, PerAgentQuota)
{
    // Each entry costs key + value + overhead.
    uint64_t cost = 1 + 10 + Blackboard::entry_overhead;
    auto b = board({ 16, 64, 2 * cost, 1000, 4, 8 });
    const char* ten = "0123456789";
    ASSERT_TRUE(b->put(1, 0, "a", bytes_of(ten)).is_ok());
    ASSERT_TRUE(b->put(1, 0, "b", bytes_of(ten)).is_ok());
    EXPECT_EQ(b->usage(1), 2 * cost);
    EXPECT_EQ(b->put(1, 0, "c", bytes_of(ten)).error(), Error::QuotaExceeded);
    EXPECT_EQ(b->put(1, 0, "a", bytes_of("0123456789X")).error(), Error::QuotaExceeded); // growing
    EXPECT_TRUE(b->put(1, 0, "a", bytes_of("012345678")).is_ok());                       // shrinking
    EXPECT_EQ(b->usage(1), 2 * cost - 1);
    // Another agent has its own quota; overwriting moves the charge to the new writer.
    ASSERT_TRUE(b->put(2, 0, "a", bytes_of(ten)).is_ok());
    EXPECT_EQ(b->usage(1), cost);
    EXPECT_EQ(b->usage(2), cost);
    ASSERT_TRUE(b->put(1, 0, "c", bytes_of(ten)).is_ok());
    // Deleting refunds the writer of the entry, whoever deletes it.
    ASSERT_TRUE(b->remove(2, 0, "c").is_ok());
    EXPECT_EQ(b->usage(1), cost);
    ASSERT_TRUE(b->remove(1, 0, "b").is_ok());
    ASSERT_TRUE(b->remove(1, 0, "a").is_ok());
    EXPECT_EQ(b->usage(1), 0u);
    EXPECT_EQ(b->usage(2), 0u);
}

TEST(IpcBlackboard, EntryLimit)
{
    auto b = board({ 16, 64, 1 << 20, 3, 4, 8 });
    ASSERT_TRUE(b->put(1, 0, "a", bytes_of("1")).is_ok());
    ASSERT_TRUE(b->put(1, 0, "b", bytes_of("1")).is_ok());
    ASSERT_TRUE(b->put(1, 0, "c", bytes_of("1")).is_ok());
    EXPECT_EQ(b->put(1, 0, "d", bytes_of("1")).error(), Error::QuotaExceeded);
    EXPECT_TRUE(b->put(1, 0, "a", bytes_of("2")).is_ok()); // overwriting is fine
}

TEST(IpcBlackboard, ManyKeysSurviveTableGrowth)
{
    auto b = board({ 32, 64, 1 << 24, 100000, 4, 8 });
    for (int i = 0; i < 2000; ++i) {
        std::string key = "key/" + std::to_string(i);
        std::string value = std::to_string(i * 3);
        ASSERT_TRUE(b->put(1, i, StringView(key.c_str()), bytes_of(value.c_str())).is_ok());
    }
    for (int i = 0; i < 2000; i += 7) {
        std::string key = "key/" + std::to_string(i);
        auto value = b->get(StringView(key.c_str()));
        ASSERT_TRUE(value.is_ok()) << key;
        EXPECT_EQ(text_of(value.value().value), std::to_string(i * 3));
        EXPECT_EQ(value.value().time_ns, static_cast<uint64_t>(i));
    }
    for (int i = 0; i < 2000; i += 2)
        ASSERT_TRUE(b->remove(1, 0, StringView(("key/" + std::to_string(i)).c_str())).is_ok());
    EXPECT_EQ(b->entry_count(), 1000u);
    EXPECT_EQ(b->get("key/4").error(), Error::NotFound);
    EXPECT_TRUE(b->get("key/5").is_ok());
}

TEST(IpcBlackboardWatch, KeyWatchSeesPutsAndTheDelete)
{
    auto b = board();
    auto watch = b->watch(WatchScope::Key, "door", 8).release_value();
    EXPECT_EQ(watch->signals(), signal::none);
    ASSERT_TRUE(b->put(3, 100, "door", bytes_of("open")).is_ok());
    ASSERT_TRUE(b->put(3, 200, "window", bytes_of("open")).is_ok()); // not watched
    ASSERT_TRUE(b->put(4, 300, "door", bytes_of("closed")).is_ok());
    ASSERT_TRUE(b->remove(5, 400, "door").is_ok());
    EXPECT_EQ(watch->signals(), signal::readable);
    EXPECT_EQ(watch->pending(), 3u);

    auto first = watch->next().release_value();
    EXPECT_EQ(first.kind, WatchEventKind::Put);
    EXPECT_EQ(first.version, 1u);
    EXPECT_EQ(first.writer, 3u);
    EXPECT_EQ(first.time_ns, 100u);
    EXPECT_EQ(text_of(first.key), "door");
    auto second = watch->next().release_value();
    EXPECT_EQ(second.version, 3u);
    EXPECT_EQ(second.writer, 4u);
    auto deleted = watch->next().release_value();
    EXPECT_EQ(deleted.kind, WatchEventKind::Delete);
    EXPECT_EQ(deleted.version, 4u);
    EXPECT_EQ(deleted.writer, 5u);
    EXPECT_EQ(text_of(deleted.key), "door"); // the key outlives the entry
    EXPECT_EQ(watch->next().error(), Error::WouldBlock);
    EXPECT_EQ(watch->signals(), signal::none);
}

TEST(IpcBlackboardWatch, PrefixWatch)
{
    auto b = board();
    auto robots = b->watch(WatchScope::Prefix, "robot/", 8).release_value();
    auto everything = b->watch(WatchScope::Prefix, "", 8).release_value();
    ASSERT_TRUE(b->put(1, 0, "robot/1/pose", bytes_of("a")).is_ok());
    ASSERT_TRUE(b->put(1, 0, "robot", bytes_of("b")).is_ok()); // shorter than the prefix
    ASSERT_TRUE(b->put(1, 0, "robots", bytes_of("c")).is_ok());
    ASSERT_TRUE(b->put(1, 0, "robot/2/pose", bytes_of("d")).is_ok());
    EXPECT_EQ(robots->pending(), 2u);
    EXPECT_EQ(everything->pending(), 4u);
    EXPECT_EQ(text_of(robots->next().value().key), "robot/1/pose");
    EXPECT_EQ(text_of(robots->next().value().key), "robot/2/pose");
}

TEST(IpcBlackboardWatch, OverflowKeepsTheOldestAndRaisesTheFlag)
{
    auto b = board();
    auto watch = b->watch(WatchScope::Key, "k", 2).release_value();
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(b->put(1, 0, "k", bytes_of("v")).is_ok());
    EXPECT_EQ(watch->pending(), 2u);
    EXPECT_EQ(watch->lost_events(), 3u);
    EXPECT_EQ(watch->signals(), signal::readable | signal::overflowed);
    EXPECT_EQ(watch->next().value().version, 1u);
    EXPECT_EQ(watch->next().value().version, 2u);
    EXPECT_EQ(watch->signals(), signal::overflowed);
    EXPECT_TRUE(watch->take_overflow());
    EXPECT_FALSE(watch->take_overflow());
    EXPECT_EQ(watch->signals(), signal::none);
    ASSERT_TRUE(b->put(1, 0, "k", bytes_of("v")).is_ok());
    EXPECT_EQ(watch->next().value().version, 6u);
}

TEST(IpcBlackboardWatch, BadWatchesAndLimits)
{
    auto b = board({ 8, 64, 1 << 20, 100, 2, 4 });
    EXPECT_EQ(b->watch(WatchScope::Key, "k", 0).error(), Error::InvalidArgument);
    EXPECT_EQ(b->watch(WatchScope::Key, "k", 5).error(), Error::InvalidArgument);
    EXPECT_EQ(b->watch(WatchScope::Key, "", 1).error(), Error::InvalidArgument);
    EXPECT_EQ(b->watch(WatchScope::Key, "123456789", 1).error(), Error::TooLarge);
    EXPECT_EQ(b->watch(WatchScope::Prefix, "123456789", 1).error(), Error::TooLarge);
    EXPECT_EQ(b->watch(static_cast<WatchScope>(9), "k", 1).error(), Error::InvalidArgument);
    auto one = b->watch(WatchScope::Key, "k", 4).release_value();
    auto two = b->watch(WatchScope::Prefix, "", 4).release_value();
    EXPECT_EQ(b->watch(WatchScope::Key, "k", 4).error(), Error::QuotaExceeded);
    one = {};
    EXPECT_TRUE(b->watch(WatchScope::Key, "k", 4).is_ok());
}

TEST(IpcBlackboardWatch, WatchKeepsTheBoardAlive)
{
    OwnPtr<Watch> watch;
    {
        auto b = board();
        watch = b->watch(WatchScope::Key, "k", 4).release_value();
        ASSERT_TRUE(b->put(1, 0, "k", bytes_of("v")).is_ok());
    }
    EXPECT_EQ(watch->next().value().version, 1u);
}

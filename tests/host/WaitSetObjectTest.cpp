#include <gtest/gtest.h>
#include <kernel/object/EventObject.h>
#include <kernel/object/WaitSetObject.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::object;
namespace bits = gehri::ipc::signal;

namespace {

RefPtr<EventObject> make_event() { return EventObject::create().release_value(); }
RefPtr<WaitSetObject> make_set() { return WaitSetObject::create().release_value(); }

size_t collect(WaitSetObject& set, ipc::WaitSet::Ready* out, size_t capacity) { return set.set().collect(Span<ipc::WaitSet::Ready>(out, capacity)); }

} // namespace

TEST(EventObject, SetsAndClearsOnlyItsSettableBits)
{
    auto event = make_event();
    EXPECT_EQ(event->signals(), bits::none);
    ASSERT_TRUE(event->signal(bits::none, bits::user0 | bits::user_all).is_ok());
    EXPECT_EQ(event->signals(), bits::user_all);
    ASSERT_TRUE(event->signal(bits::user_all, bits::signalled).is_ok());
    EXPECT_EQ(event->signals(), bits::signalled);
    EXPECT_EQ(event->signal(bits::none, bits::readable).error(), Error::InvalidArgument);
    EXPECT_EQ(event->signal(bits::peer_closed, bits::none).error(), Error::InvalidArgument);
    EXPECT_EQ(event->signal(1u << 7, bits::none).error(), Error::InvalidArgument);
    EXPECT_EQ(event->signals(), bits::signalled); // a refused call changes nothing
}

TEST(WaitSetObject, ReportsKeysLevelTriggeredAndRotates)
{
    auto set = make_set();
    auto a = make_event();
    auto b = make_event();
    ASSERT_TRUE(set->add(a, 1, bits::user0).is_ok());
    ASSERT_TRUE(set->add(b, 2, bits::user0 | bits::user1).is_ok());
    ipc::WaitSet::Ready out[4];
    EXPECT_EQ(collect(*set, out, 4), 0u);
    ASSERT_TRUE(a->signal(bits::none, bits::user0 | bits::user1).is_ok());
    ASSERT_TRUE(b->signal(bits::none, bits::user1).is_ok());
    ASSERT_EQ(collect(*set, out, 4), 2u);
    EXPECT_EQ(out[0].key, 1u);
    EXPECT_EQ(out[0].signals, bits::user0); // only its interest
    EXPECT_EQ(out[1].key, 2u);
    EXPECT_EQ(out[1].signals, bits::user1);
    // One at a time: the reported one goes to the back.
    ASSERT_EQ(collect(*set, out, 1), 1u);
    uint64_t first = out[0].key;
    ASSERT_EQ(collect(*set, out, 1), 1u);
    EXPECT_NE(out[0].key, first);
    ASSERT_TRUE(a->signal(bits::user0, bits::none).is_ok());
    ASSERT_EQ(collect(*set, out, 4), 1u);
    EXPECT_EQ(out[0].key, 2u);
    EXPECT_TRUE(set->set().signal_source().signals() & bits::readable);
    ASSERT_TRUE(b->signal(bits::user1, bits::none).is_ok());
    EXPECT_FALSE(set->set().signal_source().signals() & bits::readable);
}

TEST(WaitSetObject, RefusesBadEntries)
{
    auto set = make_set();
    auto event = make_event();
    EXPECT_EQ(set->add(event, 1, bits::none).error(), Error::InvalidArgument);
    EXPECT_EQ(set->add(event, 1, 1u << 6).error(), Error::InvalidArgument);
    EXPECT_EQ(set->add(set, 1, bits::readable).error(), Error::WrongObjectType);
    EXPECT_EQ(set->add(make_set(), 1, bits::readable).error(), Error::WrongObjectType);
    ASSERT_TRUE(set->add(event, 1, bits::user0).is_ok());
    EXPECT_EQ(set->add(event, 1, bits::user1).error(), Error::AlreadyExists);
    EXPECT_EQ(set->remove(2).error(), Error::NotFound);
    EXPECT_EQ(set->entry_count(), 1u);
    EXPECT_EQ(event->reference_count(), 2u);
}

TEST(WaitSetObject, EntriesAreLimited)
{
    auto set = make_set();
    auto event = make_event();
    for (uint64_t key = 0; key < WaitSetObject::max_entries; ++key)
        ASSERT_TRUE(set->add(event, key, bits::user0).is_ok());
    EXPECT_EQ(set->add(event, WaitSetObject::max_entries, bits::user0).error(), Error::QuotaExceeded);
    EXPECT_EQ(event->reference_count(), 1u + WaitSetObject::max_entries);
    ASSERT_TRUE(set->remove(17).is_ok());
    EXPECT_TRUE(set->add(event, WaitSetObject::max_entries, bits::user0).is_ok());
    set = nullptr;
    EXPECT_EQ(event->reference_count(), 1u);
    EXPECT_EQ(event->signal_source()->observer_count(), 0u);
}

TEST(WaitSetObject, HoldsItsSourcesUntilRemovedOrClosed)
{
    auto set = make_set();
    auto event = make_event();
    EventObject* raw = event.get();
    ASSERT_TRUE(set->add(event, 9, bits::signalled).is_ok());
    event = nullptr; // the set's reference keeps it
    ASSERT_TRUE(raw->signal(bits::none, bits::signalled).is_ok());
    ipc::WaitSet::Ready out[2];
    ASSERT_EQ(collect(*set, out, 2), 1u);
    EXPECT_FALSE(out[0].source_gone);
    auto other = make_event();
    ASSERT_TRUE(set->add(other, 10, bits::user0).is_ok());
    ASSERT_TRUE(set->remove(10).is_ok());
    EXPECT_EQ(other->reference_count(), 1u);
    EXPECT_EQ(other->signal_source()->observer_count(), 0u);
    set = nullptr; // frees `raw` too (ASan would catch a dangling observer or a leak)
}

TEST(WaitSetObject, ConcurrentAddRemoveAndSignal)
{
    auto set = make_set();
    constexpr int threads = 4;
    constexpr int rounds = 500;
    std::vector<RefPtr<EventObject>> events;
    for (int i = 0; i < threads; ++i)
        events.push_back(make_event());
    std::atomic<bool> stop { false };
    std::thread signaller([&] {
        while (!stop.load()) {
            for (auto& event : events) {
                (void)event->signal(bits::none, bits::user0);
                (void)event->signal(bits::user0, bits::none);
            }
        }
    });
    std::thread collector([&] {
        ipc::WaitSet::Ready out[8];
        while (!stop.load())
            (void)collect(*set, out, 8);
    });
    std::vector<std::thread> workers;
    std::atomic<int> failures { 0 };
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int round = 0; round < rounds; ++round) {
                uint64_t key = uint64_t(t) * 1'000'000 + round;
                if (set->add(events[t], key, bits::user0).is_error() || set->remove(key).is_error())
                    ++failures;
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    stop = true;
    signaller.join();
    collector.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(set->entry_count(), 0u);
    for (auto& event : events) {
        EXPECT_EQ(event->reference_count(), 1u);
        EXPECT_EQ(event->signal_source()->observer_count(), 0u);
    }
}

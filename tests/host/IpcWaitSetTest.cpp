#include <gtest/gtest.h>
#include <kernel/ipc/Channel.h>
#include <kernel/ipc/WaitSet.h>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

Message one_byte() { return Message::create(1, {}).release_value(); }

// Counts notifications: stands in for the glue that wakes a blocked thread.
class CountingObserver final : public SignalObserver {
public:
    explicit CountingObserver(Signals interest)
        : SignalObserver(interest)
    {
    }
    void on_signals_changed(Signals current, bool gone) override
    {
        ++calls;
        last = current;
        source_gone = gone;
    }
    int calls { 0 };
    Signals last { 0 };
    bool source_gone { false };
};

// A source owned by the test, to drive signals by hand.
struct ManualSource {
    Spinlock lock;
    SignalSource source { lock };
    void set(Signals bits, Signals clear = 0)
    {
        InterruptSafeGuard guard(lock);
        source.update_locked(bits, clear);
    }
};

} // namespace

TEST(IpcSignals, ObserverSeesCurrentStateOnAddAndOnlyRelevantChanges)
{
    ManualSource manual;
    manual.set(signal::writable);
    CountingObserver observer(signal::readable);
    manual.source.add_observer(observer);
    EXPECT_EQ(observer.calls, 1); // initial state
    EXPECT_EQ(observer.last, signal::writable);
    manual.set(0, signal::writable); // not interesting
    EXPECT_EQ(observer.calls, 1);
    manual.set(signal::readable);
    EXPECT_EQ(observer.calls, 2);
    manual.set(signal::readable); // no change
    EXPECT_EQ(observer.calls, 2);
    EXPECT_TRUE(manual.source.remove_observer(observer));
    EXPECT_FALSE(manual.source.remove_observer(observer));
    manual.set(0, signal::readable);
    EXPECT_EQ(observer.calls, 2);
}

TEST(IpcSignals, SourceDeathDetachesObservers)
{
    CountingObserver observer(signal::readable);
    {
        ManualSource manual;
        manual.source.add_observer(observer);
    }
    EXPECT_TRUE(observer.source_gone);
}

TEST(IpcWaitSet, ReportsReadyChannelsLevelTriggered)
{
    auto set = WaitSet::create().release_value();
    auto one = Channel::create().release_value();
    auto two = Channel::create().release_value();
    ASSERT_TRUE(set->add(one->second().signal_source(), 1, signal::readable).is_ok());
    ASSERT_TRUE(set->add(two->second().signal_source(), 2, signal::readable | signal::peer_closed).is_ok());
    WaitSet::Ready ready[4];
    EXPECT_EQ(set->collect(ready), 0u);
    EXPECT_EQ(set->signal_source().signals() & signal::readable, 0u);

    ASSERT_TRUE(two->first().write(one_byte()).is_ok());
    EXPECT_EQ(set->signal_source().signals() & signal::readable, signal::readable);
    ASSERT_EQ(set->collect(ready), 1u);
    EXPECT_EQ(ready[0].key, 2u);
    EXPECT_EQ(ready[0].signals, signal::readable);
    // Level-triggered: still ready until read.
    EXPECT_EQ(set->collect(ready), 1u);
    (void)two->second().read();
    EXPECT_EQ(set->collect(ready), 0u);
    EXPECT_EQ(set->signal_source().signals() & signal::readable, 0u);

    two->first().close();
    ASSERT_EQ(set->collect(ready), 1u);
    EXPECT_EQ(ready[0].signals, signal::peer_closed);
}

TEST(IpcWaitSet, AlreadyReadyWhenAdded)
{
    auto channel = Channel::create().release_value();
    ASSERT_TRUE(channel->first().write(one_byte()).is_ok());
    auto set = WaitSet::create().release_value();
    ASSERT_TRUE(set->add(channel->second().signal_source(), 5, signal::readable).is_ok());
    EXPECT_EQ(set->ready_count(), 1u);
}

TEST(IpcWaitSet, BadInputAndRemoval)
{
    auto set = WaitSet::create().release_value();
    auto channel = Channel::create().release_value();
    EXPECT_EQ(set->add(channel->first().signal_source(), 1, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(set->add(set->signal_source(), 1, signal::readable).error(), Error::InvalidArgument);
    ASSERT_TRUE(set->add(channel->first().signal_source(), 1, signal::writable).is_ok());
    EXPECT_EQ(set->add(channel->second().signal_source(), 1, signal::readable).error(), Error::AlreadyExists);
    EXPECT_EQ(set->ready_count(), 1u); // writable from the start
    EXPECT_EQ(set->remove(2).error(), Error::NotFound);
    ASSERT_TRUE(set->remove(1).is_ok());
    EXPECT_EQ(set->ready_count(), 0u);
    EXPECT_EQ(set->entry_count(), 0u);
    EXPECT_EQ(channel->first().signal_source().observer_count(), 0u);
    EXPECT_EQ(set->remove(1).error(), Error::NotFound);
}

TEST(IpcWaitSet, CollectRotatesSoNobodyStarves)
{
    auto set = WaitSet::create().release_value();
    std::vector<gehri::OwnPtr<Channel>> channels;
    for (uint64_t key = 0; key < 4; ++key) {
        channels.push_back(Channel::create().release_value());
        ASSERT_TRUE(channels.back()->first().write(one_byte()).is_ok());
        ASSERT_TRUE(set->add(channels.back()->second().signal_source(), key, signal::readable).is_ok());
    }
    WaitSet::Ready ready[2];
    std::vector<uint64_t> seen;
    for (int round = 0; round < 2; ++round) {
        ASSERT_EQ(set->collect(ready), 2u);
        seen.push_back(ready[0].key);
        seen.push_back(ready[1].key);
    }
    EXPECT_EQ(seen, (std::vector<uint64_t> { 0, 1, 2, 3 }));
}

TEST(IpcWaitSet, SourceDyingWhileRegisteredIsReported)
{
    auto set = WaitSet::create().release_value();
    {
        auto channel = Channel::create().release_value();
        ASSERT_TRUE(set->add(channel->second().signal_source(), 9, signal::readable).is_ok());
    }
    WaitSet::Ready ready[2];
    ASSERT_EQ(set->collect(ready), 1u);
    EXPECT_EQ(ready[0].key, 9u);
    EXPECT_TRUE(ready[0].source_gone);
    EXPECT_TRUE(set->remove(9).is_ok()); // does not touch the dead source
}

TEST(IpcWaitSet, WaitSetIsObservableForBlocking)
{
    auto set = WaitSet::create().release_value();
    auto channel = Channel::create().release_value();
    ASSERT_TRUE(set->add(channel->second().signal_source(), 1, signal::readable).is_ok());
    CountingObserver waker(signal::readable);
    set->signal_source().add_observer(waker);
    int before = waker.calls;
    ASSERT_TRUE(channel->first().write(one_byte()).is_ok());
    EXPECT_EQ(waker.calls, before + 1);
    EXPECT_EQ(waker.last & signal::readable, signal::readable);
    EXPECT_TRUE(set->signal_source().remove_observer(waker));
}

TEST(IpcWaitSet, DestroyingTheSetDetachesFromSources)
{
    auto channel = Channel::create().release_value();
    {
        auto set = WaitSet::create().release_value();
        ASSERT_TRUE(set->add(channel->second().signal_source(), 1, signal::readable).is_ok());
        EXPECT_EQ(channel->second().signal_source().observer_count(), 1u);
    }
    EXPECT_EQ(channel->second().signal_source().observer_count(), 0u);
    ASSERT_TRUE(channel->first().write(one_byte()).is_ok()); // no dangling observer to call
}

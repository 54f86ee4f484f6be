#include <kernel/arch/Cpu.h>
#include <kernel/ipc/Blackboard.h>
#include <kernel/ipc/Channel.h>
#include <kernel/ipc/SpscRing.h>
#include <kernel/ipc/TopicNamespace.h>
#include <kernel/ipc/WaitSet.h>
#include <kernel/log/Log.h>
#include <kernel/object/EventObject.h>
#include <kernel/object/SignalWait.h>
#include <kernel/object/WaitSetObject.h>
#include <kernel/tests/Framework.h>

// The portable IPC core on the real kernel heap. The host tests cover the logic in depth; these
// check that it builds and behaves the same freestanding, and log rough costs (TSC cycles: under
// TCG only a trend, not a benchmark).
using namespace gehri;
using namespace gehri::ipc;

KERNEL_TEST(ipc_channel_round_trip)
{
    auto created = Channel::create();
    EXPECT(created.is_ok());
    if (created.is_error())
        return;
    auto channel = created.release_value();
    uint8_t bytes[32] = { 1, 2, 3 };
    constexpr int rounds = 1000;
    uint64_t start = arch::read_timestamp_counter();
    int good = 0;
    // The in-place forms, as the syscall layer will use them: no message is moved more than
    // into and out of its queue slot.
    Message request, received, reply;
    for (int i = 0; i < rounds; ++i) {
        if (request.assign(1, { bytes, sizeof(bytes) }).is_error() || channel->first().write(std::move(request)).is_error())
            break;
        if (channel->second().read(received).is_error() || channel->second().write(std::move(received)).is_error())
            break;
        if (channel->first().read(reply).is_ok() && reply.size() == sizeof(bytes) && reply.bytes()[2] == 3)
            ++good;
    }
    uint64_t cycles = arch::read_timestamp_counter() - start;
    EXPECT_EQ(good, rounds);
    log::info("ipc: channel round trip (32 bytes, no syscall) ~{} TSC cycles", cycles / rounds);
    channel->first().close();
    EXPECT_EQ(channel->second().read().error(), Error::PeerClosed);
}

KERNEL_TEST(ipc_topic_fan_out)
{
    auto names = TopicNamespace::create();
    EXPECT(names.is_ok());
    if (names.is_error())
        return;
    auto topic = names.value()->create_topic("bench/fan-out").release_value();
    constexpr int subscribers = 100;
    OwnPtr<Subscription> subscriptions[subscribers];
    for (auto& subscription : subscriptions)
        subscription = topic->subscribe({ 4, Reliability::Reliable, false }).release_value();
    uint8_t sample[64] = { 42 };
    uint64_t start = arch::read_timestamp_counter();
    auto sequence = topic->publish(7, { sample, sizeof(sample) });
    int delivered = 0;
    Message taken;
    for (auto& subscription : subscriptions) {
        if (subscription->take(taken).is_ok() && taken.sender() == 7 && taken.bytes()[0] == 42)
            ++delivered;
    }
    uint64_t cycles = arch::read_timestamp_counter() - start;
    EXPECT(sequence.is_ok());
    EXPECT_EQ(delivered, subscribers);
    log::info("ipc: 1 -> {} fan-out, publish + every take ~{} TSC cycles", subscribers, cycles);
}

KERNEL_TEST(ipc_blackboard_and_watch)
{
    auto board = Blackboard::create().release_value();
    auto watch = board->watch(WatchScope::Prefix, "robot/", 8).release_value();
    uint8_t value[3] = { 'o', 'k', '!' };
    EXPECT_EQ(board->put(3, 100, "robot/1", { value, 3 }).value_or(0), 1u);
    auto cas = board->compare_and_swap(4, 200, "robot/1", 0, Payload::create({ value, 1 }).release_value());
    EXPECT_EQ(cas.error(), Error::VersionMismatch);
    EXPECT_EQ(board->remove(5, 300, "robot/1").value_or(0), 2u);
    EXPECT_EQ(watch->pending(), 2u);
    auto first = watch->next();
    EXPECT(first.is_ok() && first.value().kind == WatchEventKind::Put && first.value().writer == 3);
    auto second = watch->next();
    EXPECT(second.is_ok() && second.value().kind == WatchEventKind::Delete && second.value().version == 2);
    EXPECT_EQ(board->usage(3), 0u);
}

KERNEL_TEST(ipc_wait_set_and_spsc_ring)
{
    auto set = WaitSet::create().release_value();
    auto channel = Channel::create().release_value();
    EXPECT(set->add(channel->second().signal_source(), 1, signal::readable).is_ok());
    EXPECT_EQ(set->ready_count(), 0u);
    EXPECT(channel->first().write(Message::create(1, {}).release_value()).is_ok());
    WaitSet::Ready ready[2];
    EXPECT_EQ(set->collect(ready), 1u);
    EXPECT_EQ(ready[0].key, 1u);

    alignas(8) static uint8_t memory[SpscRing::header_size + 512];
    auto ring = SpscRing::format({ memory, sizeof(memory) }).release_value();
    uint8_t record[5] = { 9, 8, 7, 6, 5 };
    uint8_t out[16];
    EXPECT(ring.try_push({ record, sizeof(record) }).is_ok());
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).value_or(0), 5u);
    EXPECT_EQ(out[4], 5);
}

KERNEL_TEST(ipc_event_object_signals_and_wakes)
{
    using object::EventObject;
    auto event = EventObject::create().release_value();
    EXPECT_EQ(event->signals(), signal::none);
    EXPECT(event->signal(signal::none, signal::user0 | signal::signalled).is_ok());
    EXPECT_EQ(event->signals(), signal::user0 | signal::signalled);
    EXPECT(event->signal(signal::user0, signal::user1).is_ok());
    EXPECT_EQ(event->signals(), signal::user1 | signal::signalled);
    EXPECT_EQ(event->signal(signal::none, signal::readable).error(), Error::InvalidArgument);
    EXPECT_EQ(event->signal(signal::writable, signal::none).error(), Error::InvalidArgument);
    EXPECT_EQ(event->signals(), signal::user1 | signal::signalled);
    // A waiter on a bit that is up returns at once; on one that is down it times out.
    auto up = object::wait_for_signals(*event->signal_source(), signal::user1, 0, nullptr);
    EXPECT(up.is_ok() && up.value() == signal::user1);
    auto down = object::wait_for_signals(*event->signal_source(), signal::user0, 0, nullptr);
    EXPECT(down.is_error() && down.error() == Error::TimedOut);
    // A wait set sees an event like any other source.
    auto set = WaitSet::create().release_value();
    EXPECT(set->add(*event->signal_source(), 5, signal::user0).is_ok());
    EXPECT_EQ(set->ready_count(), 0u);
    EXPECT(event->signal(signal::none, signal::user0).is_ok());
    EXPECT_EQ(set->ready_count(), 1u);
    EXPECT(event->signal(signal::user0, signal::none).is_ok());
    EXPECT_EQ(set->ready_count(), 0u);
}

KERNEL_TEST(ipc_wait_set_object_holds_its_sources)
{
    using object::EventObject;
    using object::WaitSetObject;
    auto set = WaitSetObject::create().release_value();
    auto event = EventObject::create().release_value();
    EventObject* raw = event.get();
    EXPECT(set->add(event, 1, signal::user0).is_ok());
    EXPECT_EQ(set->add(event, 1, signal::user1).error(), Error::AlreadyExists);
    EXPECT(set->add(event, 2, signal::signalled).is_ok());
    EXPECT_EQ(set->add(event, 3, signal::none).error(), Error::InvalidArgument);
    EXPECT_EQ(set->add(set, 3, signal::readable).error(), Error::WrongObjectType);
    EXPECT_EQ(raw->reference_count(), 3u); // ours and one per entry
    EXPECT_EQ(set->entry_count(), 2u);
    event = nullptr;
    EXPECT(raw->signal(signal::none, signal::user0).is_ok()); // alive: the set holds it
    WaitSet::Ready ready[4];
    EXPECT_EQ(set->set().collect(ready), 1u);
    EXPECT(ready[0].key == 1 && ready[0].signals == signal::user0 && !ready[0].source_gone);
    EXPECT(set->remove(1).is_ok());
    EXPECT_EQ(set->remove(1).error(), Error::NotFound);
    EXPECT_EQ(raw->reference_count(), 1u);
    EXPECT_EQ(set->set().collect(ready), 0u);
    // Closing the set drops the last entry: its observer first, then the reference (the event
    // dies here; a dangling observer would be touched by its destructor).
    auto other = EventObject::create().release_value();
    EXPECT(set->add(other, 5, signal::user1).is_ok());
    EXPECT_EQ(other->signal_source()->observer_count(), 1u);
    set = nullptr;
    EXPECT_EQ(other->signal_source()->observer_count(), 0u);
    EXPECT_EQ(other->reference_count(), 1u);
}

#include "BlockingRing.h"

namespace shm {

namespace {

using gehri::Error;
using gehri::Event;
using gehri::Handle;
using gehri::HandleValue;
using gehri::Rights;
using gehri::ipc::SpscRing;
namespace abi = gehri::abi;
namespace signal = gehri::abi::signal;

constexpr uint64_t millisecond = 1'000'000;
constexpr uint64_t second = 1'000 * millisecond;
constexpr size_t object_size = 16 * 1024;
// 256 bytes of data: 16 records of 4 bytes (16 bytes each), so the producer fills it quickly.
constexpr size_t ring_bytes = SpscRing::header_size + 256;
constexpr size_t report_offset = 8 * 1024;
constexpr uint32_t records = 100;
constexpr uint64_t producer_delay = 50 * millisecond;
constexpr uint64_t consumer_pause = 50 * millisecond;

// What the consumer writes back into the shared memory.
struct Report {
    uint64_t sum;
    uint64_t first_wait_ns; // how long its first pop slept
    uint64_t sleeps_before_first; // waits on the event before the first record came
    uint64_t wakeups; // times it woke the producer
    uint64_t done;
};

int failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++failures;
        gehri::println("shm: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++failures;
        gehri::println("shm: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

gehri::Span<uint8_t> bytes_of(uint32_t& value) { return { reinterpret_cast<uint8_t*>(&value), sizeof(value) }; }

} // namespace

int blocking_consumer()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    gehri::Channel channel(bootstrap.release_value());
    HandleValue handles[2] {};
    char byte;
    auto received = channel.read(&byte, sizeof(byte), 10 * second, handles);
    if (received.is_error() || received.value().handle_count != 2)
        return 101;
    gehri::SharedMemory memory { Handle(handles[0]) };
    Event event { Handle(handles[1]) };
    auto mapping = memory.map(true);
    if (mapping.is_error())
        return 102;
    auto ring = SpscRing::attach({ mapping.value().data(), ring_bytes });
    if (ring.is_error())
        return 103;
    gehri::RingConsumer consumer(ring.value(), std::move(event));
    auto& report = *reinterpret_cast<Report*>(mapping.value().data() + report_offset);
    uint32_t record = ~0u;
    uint64_t start = gehri::system::clock_now_ns();
    auto first = consumer.pop(bytes_of(record), 10 * second);
    report.first_wait_ns = gehri::system::clock_now_ns() - start;
    report.sleeps_before_first = consumer.stats().sleeps;
    if (first.is_error() || record != 0)
        return 104;
    // Let the producer fill the ring and sleep on it: the pops below must wake it.
    (void)gehri::system::sleep_ns(consumer_pause);
    uint64_t sum = 0;
    for (uint32_t i = 1; i < records; ++i) {
        auto popped = consumer.pop(bytes_of(record), 10 * second);
        if (popped.is_error() || popped.value() != sizeof(record) || record != i)
            return 105;
        sum += record;
    }
    report.sum = sum;
    report.wakeups = consumer.stats().wakeups;
    __atomic_store_n(&report.done, 1, __ATOMIC_RELEASE);
    return 0;
}

int check_blocking_ring(gehri::Agent& self)
{
    failures = 0;
    auto memory = gehri::SharedMemory::create(object_size);
    auto event = Event::create();
    auto pair = gehri::Channel::create();
    check(memory.is_ok() && event.is_ok() && pair.is_ok(), "make the ring's memory, event and channel");
    if (failures != 0)
        return failures;
    auto mapping = memory.value().map(true);
    auto ring = mapping.is_ok() ? SpscRing::format({ mapping.value().data(), ring_bytes }) : gehri::Result<SpscRing>(Error::InvalidArgument);
    check(ring.is_ok(), "format the ring");
    if (ring.is_error())
        return failures;
    auto [mine, theirs] = pair.release_value();
    Handle child_end = theirs.release_handle();
    auto consumer = gehri::spawn(self.handle(),
        { .program = "bin/shm", .name = "shm-sleeper", .argument = 3, .memory_quota = 256 * 1024, .bootstrap = &child_end });
    check(consumer.is_ok(), "spawn the blocking consumer");
    if (consumer.is_error())
        return failures;
    // The consumer may set and wait, nothing else; it gets no more than it needs.
    auto shared = memory.value().handle().duplicate(Rights::Read | Rights::Write | Rights::Map | Rights::Transfer);
    auto wake = event.value().handle().duplicate(Rights::Wait | Rights::Signal | Rights::Transfer);
    check(shared.is_ok() && wake.is_ok(), "duplicate the handles for the consumer");
    if (failures != 0)
        return failures;
    HandleValue handles[] = { shared.value().release(), wake.value().release() };
    check(mine.write("r", 1, handles).is_ok(), "send the consumer its ring and event");
    // The consumer finds the ring empty and sleeps on the event (it says so in the header: this
    // side looks every 10 ms, it does not spin), then stays asleep while nothing comes.
    bool asleep = false;
    for (int i = 0; i < 1000 && !(asleep = ring.value().consumer_waiting()); ++i)
        (void)gehri::system::sleep_ns(10 * millisecond);
    check(asleep, "the consumer sleeps on the empty ring");
    (void)gehri::system::sleep_ns(producer_delay);
    gehri::RingProducer producer(ring.value(), event.release_value());
    uint64_t expected = 0;
    for (uint32_t i = 0; i < records; ++i) {
        check(producer.push({ reinterpret_cast<const uint8_t*>(&i), sizeof(i) }, 10 * second).is_ok(), "push a record");
        expected += i;
    }
    auto ended = consumer.value().wait(10 * second);
    check(ended.is_ok() && ended.value().reason == abi::ExitReason::Exited && ended.value().status == 0, "the blocking consumer got every record in order");
    auto& report = *reinterpret_cast<Report*>(mapping.value().data() + report_offset);
    check(__atomic_load_n(&report.done, __ATOMIC_ACQUIRE) == 1 && report.sum == expected, "the blocking consumer's checksum");
    // No busy-wait: the first pop slept through the producer's delay in one wait, ended by the
    // producer's signal.
    check(report.sleeps_before_first == 1, "the consumer slept once, until the producer's signal");
    check(report.first_wait_ns >= producer_delay / 2, "the consumer slept while the ring was empty");
    check(producer.stats().wakeups >= 1, "the producer woke the consumer");
    // And the other way: the producer slept on the full ring while the consumer paused.
    check(producer.stats().sleeps >= 1 && report.wakeups >= 1, "the consumer woke the producer from a full ring");
    gehri::println("shm: blocking ring: consumer slept {} ms for the first record ({} wait), producer {} sleeps / {} wake-ups, consumer {} wake-ups",
        report.first_wait_ns / millisecond, report.sleeps_before_first, producer.stats().sleeps, producer.stats().wakeups, report.wakeups);
    return failures;
}

// Neither side sleeps, so neither signals: the fast path makes no system call.
void check_fast_path()
{
    alignas(8) static uint8_t memory[SpscRing::header_size + 1024];
    auto ring = SpscRing::format({ memory, sizeof(memory) });
    auto producer_event = Event::create();
    auto consumer_event = producer_event.is_ok() ? producer_event.value().handle().duplicate(Rights::Wait | Rights::Signal)
                                                 : gehri::Result<Handle>(producer_event.error());
    check(ring.is_ok() && consumer_event.is_ok(), "a local ring and its event");
    if (ring.is_error() || consumer_event.is_error())
        return;
    gehri::RingProducer producer(ring.value(), producer_event.release_value());
    gehri::RingConsumer consumer(ring.value(), Event(consumer_event.release_value()));
    for (uint32_t round = 0; round < 3; ++round) {
        for (uint32_t i = 0; i < 20; ++i)
            check(producer.push({ reinterpret_cast<const uint8_t*>(&i), sizeof(i) }, 0).is_ok(), "push without sleeping");
        for (uint32_t i = 0; i < 20; ++i) {
            uint32_t record = ~0u;
            check(consumer.pop(bytes_of(record), 0).is_ok() && record == i, "pop without sleeping");
        }
    }
    uint32_t record;
    check_error(consumer.pop(bytes_of(record), 0), Error::WouldBlock, "an empty ring polled");
    check_error(consumer.pop(bytes_of(record), millisecond), Error::TimedOut, "an empty ring waited on");
    check(producer.stats().wakeups == 0 && consumer.stats().wakeups == 0 && producer.stats().sleeps == 0,
        "the fast path signals nobody");
    check(consumer.stats().sleeps == 1, "the timed pop slept once");
}

int check_events()
{
    failures = 0;
    auto made = Event::create();
    check(made.is_ok(), "create an event");
    if (made.is_error())
        return failures;
    Event& event = made.value();
    check_error(event.wait(signal::user0, 0), Error::TimedOut, "a new event has no bits up");
    check(event.signal(0, signal::user0 | signal::signalled).is_ok(), "set bits");
    auto observed = event.wait(signal::user0 | signal::user1, 0);
    check(observed.is_ok() && observed.value() == signal::user0, "the bit set is seen, only it");
    check(event.signal(signal::user0, 0).is_ok(), "clear a bit");
    check_error(event.wait(signal::user0, 0), Error::TimedOut, "a cleared bit is down");
    check_error(event.signal(0, signal::readable), Error::InvalidArgument, "an event cannot raise readable");
    check_error(event.signal(1u << 5, 0), Error::InvalidArgument, "nor clear an unnamed bit");
    Event wait_only(event.handle().duplicate(Rights::Wait).release_value());
    Event signal_only(event.handle().duplicate(Rights::Signal).release_value());
    check_error(wait_only.signal(0, signal::user1), Error::AccessDenied, "signalling needs the Signal right");
    check_error(signal_only.wait(signal::signalled, 0), Error::AccessDenied, "waiting needs the Wait right");
    auto woken = wait_only.wait(signal::signalled, 0);
    check(woken.is_ok() && woken.value() == signal::signalled, "a Wait-only handle sees the bits");
    auto pair = gehri::Channel::create();
    if (pair.is_ok())
        check_error(gehri::system::event_signal(pair.value().first.handle().value(), 0, signal::user0), Error::WrongObjectType, "a channel is no event");
    check_error(gehri::system::event_signal(0x7fff'ffff, 0, signal::user0), Error::BadHandle, "a bad handle");
    check_fast_path();
    return failures;
}

} // namespace shm

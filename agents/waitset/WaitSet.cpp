// The persistent wait set (WaitSetCreate/Add/Remove/Wait), end to end: keys and signals,
// level-triggered reports, fair rotation, events, a blocking wait woken by another thread,
// timeouts, every refusal (rights, types, bad buffers, quota), and the references the set keeps:
// a registered channel end outlives its handle until removed. Exit status: failures.
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Channel;
using gehri::Error;
using gehri::Event;
using gehri::Handle;
using gehri::PersistentWaitSet;
using gehri::Rights;
namespace abi = gehri::abi;
namespace signal = gehri::abi::signal;
namespace system = gehri::system;

constexpr uint64_t millisecond = 1'000'000;
constexpr uint64_t second = 1'000 * millisecond;
int s_failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++s_failures;
        gehri::println("waitset: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++s_failures;
        gehri::println("waitset: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

// The keys a wait reported, as a bit set of key / 10 (keys are multiples of 10 below 640).
uint64_t reported(const PersistentWaitSet& set, uint64_t timeout_ns = 0, size_t capacity = 8)
{
    abi::WaitSetReady out[8] {};
    auto count = set.wait({ out, capacity }, timeout_ns);
    if (count.is_error())
        return 0;
    uint64_t keys = 0;
    for (size_t i = 0; i < count.value(); ++i)
        keys |= uint64_t(1) << (out[i].key / 10);
    return keys;
}
constexpr uint64_t key_bit(uint64_t key) { return uint64_t(1) << (key / 10); }

void drain(const Channel& channel)
{
    char byte;
    while (channel.read(&byte, 1, 0).is_ok()) { }
}

void check_signals_and_fairness()
{
    auto set = PersistentWaitSet::create().release_value();
    auto a = Channel::create().release_value();
    auto b = Channel::create().release_value();
    auto c = Channel::create().release_value();
    auto event = Event::create().release_value();
    check(set.add(a.second.handle(), 10, signal::readable).is_ok(), "add channel a");
    check(set.add(b.second.handle(), 20, signal::readable).is_ok(), "add channel b");
    check(set.add(c.second.handle(), 30, signal::readable | signal::peer_closed).is_ok(), "add channel c");
    check(set.add(event.handle(), 40, signal::user0).is_ok(), "add an event");
    abi::WaitSetReady out[8] {};
    check_error(set.wait(out, 0), Error::TimedOut, "nothing ready polls TimedOut");
    uint64_t start = system::clock_now_ns();
    check_error(set.wait(out, 20 * millisecond), Error::TimedOut, "nothing ready times out");
    check(system::clock_now_ns() - start >= 15 * millisecond, "the timed wait waited");

    check(b.first.write("x", 1).is_ok(), "write to b");
    auto count = set.wait(out, second);
    check(count.is_ok() && count.value() == 1 && out[0].key == 20 && out[0].signals == signal::readable && out[0].flags == 0,
        "b is reported with its key and signal");
    check(reported(set) == key_bit(20), "level-triggered: still reported until read");
    drain(b.second);
    check_error(set.wait(out, 0), Error::TimedOut, "read: no longer ready");

    // Three ready, one reported per wait: the rotation reports each once in three waits.
    check(a.first.write("x", 1).is_ok() && b.first.write("x", 1).is_ok() && c.first.write("x", 1).is_ok(), "write to a, b, c");
    uint64_t seen = 0;
    for (int i = 0; i < 3; ++i)
        seen |= reported(set, 0, 1);
    check(seen == (key_bit(10) | key_bit(20) | key_bit(30)), "fair rotation: every ready entry in turn");
    check(reported(set) == (key_bit(10) | key_bit(20) | key_bit(30)), "all three in one wait");
    drain(a.second);
    drain(b.second);
    drain(c.second);

    check(event.signal(0, signal::user0 | signal::user1).is_ok(), "signal the event");
    count = set.wait(out, 0);
    check(count.is_ok() && count.value() == 1 && out[0].key == 40 && out[0].signals == signal::user0, "the event, with only its interesting bit");
    check(event.signal(signal::user0, 0).is_ok(), "clear the event");

    c.first = Channel();
    count = set.wait(out, 0);
    check(count.is_ok() && count.value() == 1 && out[0].key == 30 && out[0].signals == signal::peer_closed, "a closed peer");
    check(set.remove(30).is_ok(), "remove c");
    check_error(set.remove(30), Error::NotFound, "remove it again");
    check_error(set.wait(out, 0), Error::TimedOut, "a removed entry is not reported");
}

void check_refusals(gehri::Agent& self)
{
    auto set = PersistentWaitSet::create().release_value();
    auto channel = Channel::create().release_value();
    const Handle& end = channel.first.handle();
    check(set.add(end, 7, signal::readable).is_ok(), "add");
    check_error(set.add(end, 7, signal::writable), Error::AlreadyExists, "a key in use");
    check(set.add(end, 8, signal::writable).is_ok(), "the same handle under another key");
    check_error(set.add(end, 9, 0), Error::InvalidArgument, "an empty interest");
    check_error(set.add(end, 9, 1u << 5), Error::InvalidArgument, "an unknown signal bit");
    check_error(set.add(self.handle(), 9, signal::readable), Error::WrongObjectType, "an agent has no signals");
    check_error(set.add(set.handle(), 9, signal::readable), Error::WrongObjectType, "a wait set in a wait set");
    auto other = PersistentWaitSet::create().release_value();
    check_error(set.add(other.handle(), 9, signal::readable), Error::WrongObjectType, "another wait set");
    Handle no_wait = end.duplicate(Rights::Read).release_value();
    check_error(set.add(no_wait, 9, signal::readable), Error::AccessDenied, "a handle without Wait");
    check_error(system::wait_set_add(set.handle().value(), 0x7fff'ffff, 9, signal::readable), Error::BadHandle, "a bad handle");
    PersistentWaitSet wait_only(set.handle().duplicate(Rights::Wait).release_value());
    check_error(wait_only.add(end, 9, signal::readable), Error::AccessDenied, "adding needs Write");
    check_error(wait_only.remove(7), Error::AccessDenied, "removing needs Write");
    PersistentWaitSet write_only(set.handle().duplicate(Rights::Write).release_value());
    abi::WaitSetReady out[abi::max_wait_set_results + 1] {};
    check_error(write_only.wait({ out, 1 }, 0), Error::AccessDenied, "waiting needs Wait");
    check_error(set.handle().duplicate(Rights::Transfer), Error::AccessDenied, "a wait set cannot be transferred");
    check_error(system::wait_set_add(end.value(), end.value(), 9, signal::readable), Error::WrongObjectType, "a channel is no wait set");
    check_error(set.wait({ out, 0 }, 0), Error::InvalidArgument, "room for nothing");
    check_error(set.wait({ out, abi::max_wait_set_results + 1 }, 0), Error::InvalidArgument, "room for too many");
    check_error(system::wait_set_wait(set.handle().value(), reinterpret_cast<abi::WaitSetReady*>(0xffff'8000'0000'0000), 1, 0),
        Error::BadAddress, "a kernel address");
    check_error(system::wait_set_wait(set.handle().value(), reinterpret_cast<abi::WaitSetReady*>(0x1000), 4, 0), Error::BadAddress,
        "an unmapped buffer");
    auto count = set.wait({ out, 1 }, 0);
    check(count.is_ok() && out[0].key == 8 && out[0].signals == signal::writable, "the set still works");

    // Quota: the same event under max_wait_set_entries keys, then one more.
    auto quota_set = PersistentWaitSet::create().release_value();
    auto event = Event::create().release_value();
    bool all_added = true;
    for (uint64_t key = 0; key < abi::max_wait_set_entries; ++key)
        all_added &= quota_set.add(event.handle(), key, signal::signalled).is_ok();
    check(all_added, "max_wait_set_entries entries");
    check_error(quota_set.add(event.handle(), abi::max_wait_set_entries, signal::signalled), Error::QuotaExceeded, "one more");
    check(event.signal(0, signal::signalled).is_ok(), "signal the event");
    count = quota_set.wait({ out, abi::max_wait_set_results }, 0);
    check(count.is_ok() && count.value() == abi::max_wait_set_results, "a full report");
}

// Registered objects live while registered: a channel end whose handle is closed keeps its peer
// open until the entry is removed, or the set is closed.
void check_references()
{
    auto set = PersistentWaitSet::create().release_value();
    auto first = Channel::create().release_value();
    check(set.add(first.second.handle(), 1, signal::readable).is_ok(), "add a channel end");
    first.second = Channel(); // closes the handle
    check(first.first.write("x", 1).is_ok(), "its peer is still open: the set holds the end");
    abi::WaitSetReady out[4] {};
    auto count = set.wait(out, 0);
    check(count.is_ok() && count.value() == 1 && out[0].key == 1 && out[0].flags == 0, "and it is reported readable");
    check(set.remove(1).is_ok(), "remove it");
    check_error(first.first.write("x", 1), Error::PeerClosed, "removed: the end is gone");

    auto second = Channel::create().release_value();
    {
        auto scoped = PersistentWaitSet::create().release_value();
        check(scoped.add(second.second.handle(), 1, signal::readable).is_ok(), "add to a set about to close");
        second.second = Channel();
        check(second.first.write("x", 1).is_ok(), "held by the set");
    }
    check_error(second.first.write("x", 1), Error::PeerClosed, "the set closed: so is the end");
}

struct Writer {
    gehri::HandleValue channel;
    uint64_t delay_ns;
};

void write_later(void* argument)
{
    auto* writer = static_cast<Writer*>(argument);
    (void)system::sleep_ns(writer->delay_ns);
    (void)system::channel_write(writer->channel, "w", 1);
}

void check_blocking_wait()
{
    auto set = PersistentWaitSet::create().release_value();
    auto channel = Channel::create().release_value();
    check(set.add(channel.second.handle(), 99, signal::readable).is_ok(), "add");
    Writer writer { channel.first.handle().value(), 50 * millisecond };
    uint64_t start = system::clock_now_ns();
    auto thread = gehri::start_thread(write_later, &writer);
    check(thread.is_ok(), "start the writer thread");
    abi::WaitSetReady out[2] {};
    auto count = set.wait(out, 10 * second);
    uint64_t waited = system::clock_now_ns() - start;
    check(count.is_ok() && count.value() == 1 && out[0].key == 99, "a blocking wait wakes on the other thread's write");
    check(waited >= writer.delay_ns, "it slept until the write");
    if (thread.is_ok())
        (void)system::wait(thread.value().value(), 10 * second);
}

} // namespace

int main(gehri::Agent& self)
{
    check_signals_and_fairness();
    check_refusals(self);
    check_references();
    check_blocking_wait();
    gehri::println("waitset: {} failures", s_failures);
    return s_failures;
}

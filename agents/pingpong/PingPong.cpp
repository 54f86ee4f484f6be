// Channels between two agents, end to end. Argument 0: the checks (kernel/tests/IpcAgentTests.cpp
// runs them; the exit status is the number of failures). Argument 2: the round-trip benchmark
// (exit status: guest instructions per 64-byte round trip, under -icount shift=0). Argument 3:
// one ChannelCall on its bootstrap channel that nobody answers (a kill test). Argument 4: a
// call its partner takes and never answers, made by the fast path (a kill test). Argument 1 is
// the partner these spawn: it echoes every message back on its bootstrap channel, answers a
// message carrying a channel handle with "hello" on that channel, and ends on "quit".
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

using gehri::Channel;
using gehri::Error;
using gehri::Handle;
using gehri::HandleValue;
using gehri::Rights;
namespace abi = gehri::abi;

constexpr uint64_t second = 1'000'000'000;
int s_failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++s_failures;
        gehri::println("pingpong: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++s_failures;
        gehri::println("pingpong: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

inline uint64_t read_tsc()
{
    uint32_t low, high;
    asm volatile("lfence; rdtsc; lfence" : "=a"(low), "=d"(high)::"memory");
    return (uint64_t(high) << 32) | low;
}

int partner()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    Channel channel(bootstrap.release_value());
    alignas(8) static uint8_t buffer[abi::max_message_bytes];
    HandleValue received[4];
    auto message = channel.read(buffer, sizeof(buffer), abi::wait_forever, received);
    for (;;) {
        // A message with handles does not fit a call's reply: it waits for a plain read.
        if (message.is_error() && message.error() == Error::BufferTooSmall)
            message = channel.read(buffer, sizeof(buffer), abi::wait_forever, received);
        if (message.is_error())
            return message.error() == Error::PeerClosed ? 0 : 101;
        if (message.value().size == 4 && __builtin_memcmp(buffer, "quit", 4) == 0)
            return 0;
        if (message.value().size == 6 && __builtin_memcmp(buffer, "silent", 6) == 0) {
            message = channel.read(buffer, sizeof(buffer), abi::wait_forever, received); // no answer to this one
            continue;
        }
        if (message.value().size == 5 && __builtin_memcmp(buffer, "close", 5) == 0)
            return 0; // ends without answering: the caller's call sees PeerClosed
        if (message.value().handle_count == 1) {
            Channel passed { Handle(received[0]) };
            if (passed.write("hello").is_error())
                return 102;
            message = channel.read(buffer, sizeof(buffer), abi::wait_forever, received);
            continue;
        }
        // The echo, and the wait for the next message, in one call.
        message = channel.call(buffer, message.value().size, buffer, sizeof(buffer));
        if (message.is_error() && message.error() != Error::BufferTooSmall && message.error() != Error::PeerClosed)
            return 103;
    }
}

// A call nobody answers (kernel/tests/AgentTests.cpp kills the agent while it waits).
int blocked_caller()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    Channel channel(bootstrap.release_value());
    uint8_t answer[16];
    auto reply = channel.call("ping", 4, answer, sizeof(answer));
    return reply.is_error() ? 104 : 105;
}

gehri::Result<gehri::ChildAgent> start_partner(gehri::Agent& self, Channel& their_end);

// A call the partner takes and never answers, made while the partner waits parked in a call of
// its own: on one CPU it goes by ChannelCall's fast path (a direct switch to the partner), and
// this caller waits parked for good (kernel/tests/AgentTests.cpp kills it there).
int silent_caller(gehri::Agent& self)
{
    auto pair = Channel::create().release_value();
    auto child = start_partner(self, pair.second);
    if (child.is_error())
        return 106;
    uint8_t answer[64];
    for (int i = 0; i < 3; ++i) { // the partner answers each with a call: it is parked after
        if (pair.first.call("ping", 4, answer, sizeof(answer)).is_error())
            return 107;
    }
    auto reply = pair.first.call("silent", 6, answer, sizeof(answer));
    return reply.is_error() ? 108 : 109;
}

gehri::Result<gehri::ChildAgent> start_partner(gehri::Agent& self, Channel& their_end)
{
    Handle handle = their_end.release_handle();
    auto child = gehri::spawn(self.handle(), { .program = "bin/pingpong", .name = "pingpong-echo", .argument = 1, .memory_quota = 256 * 1024, .bootstrap = &handle });
    return child;
}

void check_local_channel()
{
    auto pair = Channel::create().release_value();
    uint8_t buffer[128] {};
    check_error(pair.first.read(buffer, sizeof(buffer), 0), Error::WouldBlock, "read from an empty channel, polling");
    check_error(pair.first.read(buffer, sizeof(buffer), 1'000'000), Error::TimedOut, "read from an empty channel with a timeout");

    // The queue holds 64 messages: the 65th is refused.
    int written = 0;
    while (pair.first.write("x").is_ok())
        ++written;
    check(written == 64, "64 messages fit a channel queue");
    check_error(pair.first.write("x"), Error::QueueFull, "write to a full queue");
    auto first = pair.second.read(buffer, sizeof(buffer), 0);
    check(first.is_ok() && first.value().size == 1 && first.value().sender == gehri::this_agent().id(), "the sender is stamped");

    // Too large for the format, or for the buffer.
    static uint8_t big[abi::max_message_bytes + 1];
    check_error(pair.second.write(big, sizeof(big)), Error::TooLarge, "a message over 64 KiB");
    check(pair.second.write(big, 100).is_ok(), "a 100-byte message");
    check_error(pair.first.read(buffer, 10, 0), Error::BufferTooSmall, "a 10-byte buffer for a 100-byte message");
    auto whole = pair.first.read(buffer, sizeof(buffer), 0);
    check(whole.is_ok() && whole.value().size == 100, "the message stayed queued after BufferTooSmall");

    // Rights: a read-only duplicate cannot write; a handle without Transfer cannot travel.
    auto read_only = pair.first.handle().duplicate(Rights::Read | Rights::Wait);
    check(read_only.is_ok(), "duplicate read-only");
    if (read_only.is_ok()) {
        Channel reader(read_only.release_value());
        check_error(reader.write("x"), Error::AccessDenied, "write without the Write right");
        auto other = Channel::create().release_value();
        auto no_transfer = other.first.handle().duplicate(Rights::Read | Rights::Write);
        HandleValue value = no_transfer.value().value();
        check_error(pair.second.write("h", 1, { &value, 1 }), Error::AccessDenied, "sending a handle without Transfer");
    }
    // A channel cannot carry its own ends.
    HandleValue self_end = pair.first.handle().value();
    check_error(pair.first.write("h", 1, { &self_end, 1 }), Error::InvalidArgument, "sending a channel through itself");
    HandleValue bogus = 0x12345;
    check_error(pair.first.write("h", 1, { &bogus, 1 }), Error::BadHandle, "sending a handle that is not live");

    // Waiting on many: only the end with a message is readable.
    auto other = Channel::create().release_value();
    check(other.second.write("w").is_ok(), "write for WaitMany");
    gehri::WaitSet set;
    (void)set.add(pair.first.handle(), abi::signal::readable);
    (void)set.add(other.first.handle(), abi::signal::readable);
    auto ready = set.wait(second);
    check(ready.is_ok() && ready.value() == 1 && !set.is_ready(0) && set.is_ready(1), "WaitMany reports the one readable end");
    gehri::WaitSet empty_set;
    (void)empty_set.add(pair.first.handle(), abi::signal::readable);
    check_error(empty_set.wait(1'000'000), Error::TimedOut, "WaitMany times out");

    // Closed peer: writes fail, reads drain then say PeerClosed.
    auto closing = Channel::create().release_value();
    check(closing.first.write("last").is_ok(), "write before close");
    (void)closing.first.release_handle().close();
    check_error(closing.second.write("x"), Error::PeerClosed, "write to a closed peer");
    gehri::WaitSet closed;
    (void)closed.add(closing.second.handle(), abi::signal::peer_closed);
    check(closed.wait(0).is_ok() && closed.is_ready(0), "peer_closed is signalled");
    check(closing.second.read(buffer, sizeof(buffer), 0).is_ok(), "what was queued before the close is delivered");
    check_error(closing.second.read(buffer, sizeof(buffer), second), Error::PeerClosed, "read after the peer closed");
}

// Raw calls with bad pointers, counts and handles: exact errors, and nothing lost.
void check_bad_arguments(gehri::Agent& self)
{
    namespace system = gehri::system;
    constexpr uint64_t kernel_address = 0xffffffff80000000;
    auto* kernel_pointer = reinterpret_cast<void*>(kernel_address);
    auto pair = Channel::create().release_value();
    HandleValue end = pair.first.handle().value();
    check_error(system::channel_create(*reinterpret_cast<HandleValue(*)[2]>(kernel_pointer)), Error::BadAddress, "channel_create into the kernel");
    check_error(system::channel_write(end, kernel_pointer, 8), Error::BadAddress, "write from a kernel address");
    check_error(system::channel_write(end, reinterpret_cast<void*>(0x1000), 8), Error::BadAddress, "write from an unmapped address");
    check(pair.first.write("kept").is_ok(), "write a message to keep");
    abi::ReadInfo io {};
    uint8_t buffer[16];
    check_error(system::channel_read(pair.second.handle().value(), kernel_pointer, 16, nullptr, 0, io), Error::BadAddress, "read into the kernel");
    check_error(gehri::Result<uint64_t>(gehri::abi::decode_error(gehri::system::raw::syscall6(static_cast<uint64_t>(abi::Syscall::ChannelRead),
                    pair.second.handle().value(), reinterpret_cast<uint64_t>(buffer), sizeof(buffer), 0, 0, kernel_address))),
        Error::BadAddress, "read with its info block in the kernel");
    auto kept = pair.second.read(buffer, sizeof(buffer), 0);
    check(kept.is_ok() && kept.value().size == 4, "a read refused for a bad buffer did not lose the message");
    check_error(system::channel_write(self.handle().value(), "x", 1), Error::WrongObjectType, "write to an agent handle");

    // ChannelCall: its handle, pointers and lengths are checked before anything is sent.
    abi::ReadInfo call_io {};
    HandleValue other_end = pair.second.handle().value();
    check_error(system::channel_call(0x77777, "x", 1, buffer, sizeof(buffer), call_io), Error::BadHandle, "call on a dead handle");
    check_error(system::channel_call(self.handle().value(), "x", 1, buffer, sizeof(buffer), call_io), Error::WrongObjectType, "call on an agent handle");
    check_error(system::channel_call(end, kernel_pointer, 8, buffer, sizeof(buffer), call_io), Error::BadAddress, "call from a kernel address");
    check_error(system::channel_call(end, reinterpret_cast<void*>(0x1000), 8, buffer, sizeof(buffer), call_io), Error::BadAddress, "call from an unmapped address");
    check_error(system::channel_call(end, "x", 1, kernel_pointer, 16, call_io), Error::BadAddress, "call replying into the kernel");
    check_error(system::channel_call(end, "x", 1, buffer, sizeof(buffer), *static_cast<abi::ReadInfo*>(kernel_pointer)), Error::BadAddress,
        "call with its info block in the kernel");
    // The request over 64 KiB: its length is refused before its bytes are read.
    check_error(system::channel_call(end, buffer, abi::max_message_bytes + 1, buffer, sizeof(buffer), call_io), Error::TooLarge, "call with a request over 64 KiB");
    auto write_only = pair.first.handle().duplicate(Rights::Write);
    auto read_only_end = pair.first.handle().duplicate(Rights::Read);
    check_error(system::channel_call(write_only.value().value(), "x", 1, buffer, sizeof(buffer), call_io), Error::AccessDenied, "call without Read");
    check_error(system::channel_call(read_only_end.value().value(), "x", 1, buffer, sizeof(buffer), call_io), Error::AccessDenied, "call without Write");
    check(pair.second.read(buffer, sizeof(buffer), 0).is_error(), "refused calls sent nothing");
    // A reply carrying a handle does not fit a call: BufferTooSmall, and it stays for a read.
    HandleValue travelling = Channel::create().release_value().first.release_handle().release();
    check(system::channel_write(other_end, "h", 1, &travelling, 1).is_ok(), "queue a message with a handle");
    call_io.timeout_ns = 0;
    check_error(system::channel_call(end, "y", 1, buffer, sizeof(buffer), call_io), Error::BufferTooSmall, "a call's reply with a handle");
    check(call_io.handle_count == 1, "the call says the reply has a handle");
    HandleValue arrived[1];
    auto with_handle = pair.first.read(buffer, sizeof(buffer), 0, arrived);
    check(with_handle.is_ok() && with_handle.value().handle_count == 1, "the reply with a handle stayed for ChannelRead");
    if (with_handle.is_ok() && with_handle.value().handle_count == 1)
        (void)system::handle_close(arrived[0]);
    auto request = pair.second.read(buffer, sizeof(buffer), 0);
    check(request.is_ok() && request.value().size == 1 && buffer[0] == 'y', "the call's request was sent");

    abi::WaitItem items[abi::max_wait_items + 1] {};
    for (auto& item : items)
        item = { .handle = end, .interest = abi::signal::readable };
    check_error(system::wait_many(items, 0, 0), Error::InvalidArgument, "WaitMany of nothing");
    check_error(system::wait_many(items, abi::max_wait_items + 1, 0), Error::InvalidArgument, "WaitMany of 65 handles");
    check_error(system::wait_many(static_cast<abi::WaitItem*>(kernel_pointer), 1, 0), Error::BadAddress, "WaitMany items in the kernel");
    items[0].interest = 0;
    check_error(system::wait_many(items, 1, 0), Error::InvalidArgument, "WaitMany with no interest");
    items[0].interest = 1u << 20;
    check_error(system::wait_many(items, 1, 0), Error::InvalidArgument, "WaitMany with an unknown signal");
    items[0] = { .handle = self.handle().value(), .interest = abi::signal::readable };
    check_error(system::wait_many(items, 1, 0), Error::WrongObjectType, "WaitMany on an agent");
    items[0] = { .handle = 0x77777, .interest = abi::signal::readable };
    check_error(system::wait_many(items, 1, 0), Error::BadHandle, "WaitMany on a dead handle");
    auto no_wait = pair.first.handle().duplicate(Rights::Read);
    items[0] = { .handle = no_wait.value().value(), .interest = abi::signal::readable };
    check_error(system::wait_many(items, 1, 0), Error::AccessDenied, "WaitMany without the Wait right");
}

void check_with_partner(gehri::Agent& self)
{
    auto pair = Channel::create().release_value();
    auto child = start_partner(self, pair.second);
    check(child.is_ok(), "spawn the partner with its channel");
    if (child.is_error())
        return;
    uint64_t child_id = child.value().info().value().id;
    uint8_t message[64];
    for (int i = 0; i < 64; ++i)
        message[i] = static_cast<uint8_t>(i * 7);
    check(pair.first.write(message, sizeof(message)).is_ok(), "ping");
    uint8_t answer[64] {};
    auto pong = pair.first.read(answer, sizeof(answer), 10 * second);
    check(pong.is_ok() && pong.value().size == 64 && __builtin_memcmp(answer, message, 64) == 0, "the echo carries the same bytes");
    check(pong.is_ok() && pong.value().sender == child_id, "the echo's sender is the partner's id");

    // A channel end travels to the partner, which answers through it.
    auto side = Channel::create().release_value();
    HandleValue travelling = side.second.release_handle().release();
    check(pair.first.write("c", 1, { &travelling, 1 }).is_ok(), "send a channel end");
    check_error(gehri::system::handle_close(travelling), Error::BadHandle, "a sent handle has left the sender");
    auto hello = side.first.read(answer, sizeof(answer), 10 * second);
    check(hello.is_ok() && hello.value().size == 5 && hello.value().sender == child_id, "the partner answered on the channel it received");

    // ChannelCall: the request goes out, the answer comes back, in one call (the partner
    // answers with a call of its own). On SMP the partner may be on another CPU: the call then
    // wakes it the ordinary way.
    for (int round = 0; round < 200; ++round) {
        message[0] = static_cast<uint8_t>(round);
        auto echo = pair.first.call(message, sizeof(message), answer, sizeof(answer), 10 * second);
        if (!echo.is_ok() || echo.value().size != 64 || answer[0] != message[0] || echo.value().sender != child_id) {
            check(false, "a call gets the echo of its own request");
            break;
        }
    }
    check_error(pair.first.call("silent", 6, answer, sizeof(answer), 20'000'000), Error::TimedOut, "a call times out without an answer");
    check_error(pair.first.call(message, sizeof(message), answer, sizeof(answer), 0), Error::WouldBlock, "a call that polls for its answer");
    auto late = pair.first.read(answer, sizeof(answer), 10 * second);
    check(late.is_ok() && late.value().size == 64, "the polling call's request was sent and answered");
    check_error(pair.first.call(message, sizeof(message), answer, 8, 10 * second), Error::BufferTooSmall, "a call with a reply buffer too small");
    auto kept = pair.first.read(answer, sizeof(answer), 0);
    check(kept.is_ok() && kept.value().size == 64, "the reply that did not fit stayed queued");

    check(pair.first.write("quit").is_ok(), "quit");
    auto ended = child.value().wait(10 * second);
    check(ended.is_ok() && ended.value().status == 0, "the partner ends with status 0");

    // The peer goes away while a call waits for its answer.
    auto closing = Channel::create().release_value();
    auto closer = start_partner(self, closing.second);
    check(closer.is_ok(), "spawn a partner that closes");
    if (closer.is_ok()) {
        check_error(closing.first.call("close", 5, answer, sizeof(answer), 10 * second), Error::PeerClosed, "a call whose peer closes");
        check_error(closing.first.call("x", 1, answer, sizeof(answer), 10 * second), Error::PeerClosed, "a call to a closed peer");
        (void)closer.value().wait(10 * second);
    }
}

// The parts of a round trip without a partner: a write and a read that does not block.
void measure_parts()
{
    auto local = Channel::create().release_value();
    alignas(8) uint8_t message[64] {};
    constexpr int rounds = 32;
    uint64_t write_total = 0;
    uint64_t read_total = 0;
    uint64_t null_total = 0;
    for (int i = 0; i < 50; ++i) {
        uint64_t start = read_tsc();
        for (int j = 0; j < rounds; ++j)
            (void)local.first.write(message, sizeof(message));
        uint64_t written = read_tsc();
        for (int j = 0; j < rounds; ++j)
            (void)local.second.read(message, sizeof(message), 0);
        uint64_t read = read_tsc();
        for (int j = 0; j < rounds; ++j)
            gehri::system::null_syscall();
        null_total += read_tsc() - read;
        write_total += written - start;
        read_total += read - written;
    }
    gehri::println("pingpong: 64-byte channel write {} / read (not blocking) {} / null syscall {} instructions", write_total / (50 * rounds),
        read_total / (50 * rounds), null_total / (50 * rounds));
}

int benchmark(gehri::Agent& self)
{
    measure_parts();
    auto pair = Channel::create().release_value();
    auto child = start_partner(self, pair.second);
    if (child.is_error())
        return -1;
    constexpr int rounds = 2000;
    alignas(8) uint8_t message[64] {};
    alignas(8) uint8_t answer[64];
    for (int i = 0; i < 100; ++i) // warm up
        (void)pair.first.call(message, sizeof(message), answer, sizeof(answer));
    // The request-reply round trip as a client makes it: one ChannelCall (write, then wait
    // for the answer). The partner answers with a call of its own (reply, then wait).
    uint64_t start = read_tsc();
    for (int i = 0; i < rounds; ++i)
        (void)pair.first.call(message, sizeof(message), answer, sizeof(answer));
    uint64_t per_round = (read_tsc() - start) / rounds;
    // The same with a separate write and read, for comparison.
    uint64_t split_start = read_tsc();
    for (int i = 0; i < rounds; ++i) {
        (void)pair.first.write(message, sizeof(message));
        (void)pair.first.read(answer, sizeof(answer));
    }
    uint64_t split_per_round = (read_tsc() - split_start) / rounds;
    gehri::println("pingpong: 64-byte round trip with write + read: {} instructions", split_per_round);
    (void)pair.first.write("quit");
    (void)child.value().wait(10 * second);
    gehri::println("pingpong: 64-byte channel round trip: {} instructions ({} rounds)", per_round, rounds);
    return static_cast<int>(per_round < 1000000 ? per_round : 1000000);
}

} // namespace

int main(gehri::Agent& self)
{
    if (self.argument() == 1)
        return partner();
    if (self.argument() == 2)
        return benchmark(self);
    if (self.argument() == 4)
        return silent_caller(self);
    if (self.argument() == 3)
        return blocked_caller();
    check_local_channel();
    check_bad_arguments(self);
    check_with_partner(self);
    gehri::println("pingpong: {} failures", s_failures);
    return s_failures;
}

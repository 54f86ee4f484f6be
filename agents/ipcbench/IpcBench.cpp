// The agent side of Gehri's `./gehri bench` workloads (kernel/bench/AgentWorkloads.cpp spawns
// it): each coordinator role measures one workload with the TSC (guest instructions under
// -icount shift=0) and exits with the figure as its status; the other roles are the agents it
// measures against.
//   argument 0      exits at once (spawn_wait's child)
//   argument 1      fan-out subscriber: acknowledges every sample, ends on an empty sample
//   argument 2      idle agent: writes one message on its bootstrap channel, then blocks reading
//                   it until the kernel closes the other end (start_1000_agents)
//   argument 3      spawn_wait: spawn + wait of the argument-0 child, per operation
//   argument 4      context_switch: this agent and a yielding child (argument 5) Yield in
//                   turns; per switch
//   argument 5      the yielding child: starts on a message on its bootstrap channel
//   argument 6      context_switch_threads: the same between two threads of this agent
//   argument 7      pipe_throughput: 64-byte messages streamed over a channel to a sink child
//                   (argument 8), waiting for room when the queue is full; per message
//   argument 8      the sink: counts messages until an empty one, answers with the count
//   argument 100+N  fan-out to N subscriber agents: one 64-byte sample to all, all acknowledged
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::Handle;
using gehri::Rights;
using gehri::StringView;
using gehri::TopicNamespace;
namespace abi = gehri::abi;

inline uint64_t read_tsc()
{
    uint32_t low, high;
    asm volatile("lfence; rdtsc; lfence" : "=a"(low), "=d"(high)::"memory");
    return (uint64_t(high) << 32) | low;
}

int status_of(uint64_t value) { return static_cast<int>(value < 0x7fffffff ? value : 0x7fffffff); }

int fanout_subscriber()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    TopicNamespace topics(bootstrap.release_value());
    auto samples = topics.subscribe("fanout", { .history_depth = 4, .reliable = true });
    auto acks = topics.publisher("fanout-ack");
    if (samples.is_error() || acks.is_error())
        return 101;
    uint8_t ready = 1;
    if (acks.value().publish(&ready, 1).is_error())
        return 102;
    alignas(8) uint8_t buffer[64];
    for (;;) {
        auto sample = samples.value().take(buffer, sizeof(buffer));
        if (sample.is_error())
            return 103;
        if (sample.value().size == 0)
            return 0;
        if (acks.value().publish(buffer, 1).is_error())
            return 104;
    }
}

gehri::Result<void> take_acks(const gehri::Subscription& acks, uint32_t count)
{
    uint8_t ack[64];
    for (uint32_t i = 0; i < count; ++i)
        TRY(acks.take(ack, sizeof(ack), 60'000'000'000));
    return {};
}

int fanout(gehri::Agent& self, uint32_t subscribers)
{
    auto topics = TopicNamespace::create();
    if (topics.is_error())
        return -1;
    uint32_t depth = subscribers + 16 <= 4096 ? subscribers + 16 : 4096;
    auto acks = topics.value().subscribe("fanout-ack", { .history_depth = depth, .reliable = true });
    auto samples = topics.value().publisher("fanout");
    if (acks.is_error() || samples.is_error())
        return -2;
    for (uint32_t i = 0; i < subscribers; ++i) {
        auto handle = topics.value().handle().duplicate(Rights::Publish | Rights::Subscribe | Rights::Write | Rights::Transfer);
        if (handle.is_error())
            return -3;
        Handle bootstrap = handle.release_value();
        auto child = gehri::spawn(self.handle(), { .program = "bin/ipcbench", .name = "fanout-sub", .argument = 1, .memory_quota = 128 * 1024, .bootstrap = &bootstrap });
        if (child.is_error()) {
            gehri::println("ipcbench: fan-out subscriber {} not started: {}", i, gehri::error_name(child.error()));
            return -4;
        }
    }
    if (take_acks(acks.value(), subscribers).is_error()) // every subscriber is subscribed
        return -5;
    constexpr uint32_t warm_up = 5;
    uint32_t rounds = subscribers >= 1000 ? 20 : 100;
    alignas(8) uint8_t message[64] {};
    uint64_t start = 0;
    for (uint32_t round = 0; round < warm_up + rounds; ++round) {
        if (round == warm_up)
            start = read_tsc();
        message[0] = static_cast<uint8_t>(round);
        if (samples.value().publish(message, sizeof(message)).is_error() || take_acks(acks.value(), subscribers).is_error())
            return -6;
    }
    uint64_t per_round = (read_tsc() - start) / rounds;
    (void)samples.value().publish(message, 0); // the end
    while (gehri::system::wait_child(60'000'000'000).is_ok()) { }
    return status_of(per_round);
}

int idle_agent()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    gehri::Channel channel(bootstrap.release_value());
    if (channel.write("up").is_error())
        return 101;
    uint8_t buffer[16];
    auto read = channel.read(buffer, sizeof(buffer));
    return read.is_error() && read.error() == Error::PeerClosed ? 0 : 102;
}

int spawn_wait(gehri::Agent& self)
{
    constexpr int rounds = 50;
    uint64_t start = read_tsc();
    for (int i = 0; i < rounds; ++i) {
        // As posix_spawn + waitpid: start it, then learn of its end (which also reaps it).
        auto child = gehri::spawn(self.handle(), { .program = "bin/ipcbench", .name = "spawn-wait", .argument = 0, .memory_quota = 128 * 1024 });
        if (child.is_error() || gehri::system::wait_child().is_error())
            return -1;
    }
    return status_of((read_tsc() - start) / rounds);
}

constexpr uint64_t yield_rounds = 5'000;
constexpr uint64_t stream_messages = 20'000;

void yield_rounds_loop()
{
    for (uint64_t i = 0; i < yield_rounds; ++i)
        gehri::system::yield();
}

gehri::Result<gehri::Channel> spawn_partner(gehri::Agent& self, StringView name, uint64_t argument)
{
    auto [mine, theirs] = TRY(gehri::Channel::create());
    Handle bootstrap = theirs.release_handle();
    TRY(gehri::spawn(self.handle(), { .program = "bin/ipcbench", .name = name, .argument = argument, .memory_quota = 128 * 1024, .bootstrap = &bootstrap }));
    return std::move(mine);
}

int yielding_child()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    gehri::Channel channel(bootstrap.release_value());
    char go;
    if (channel.read(&go, 1).is_error())
        return 101;
    yield_rounds_loop();
    return 0;
}

// As Linux's: both sides yield the same number of times; the figure is per switch.
int context_switch(gehri::Agent& self)
{
    auto partner = spawn_partner(self, "yielder", 5);
    if (partner.is_error())
        return -1;
    uint64_t start = read_tsc();
    if (partner.value().write("g", 1).is_error())
        return -1;
    yield_rounds_loop();
    if (gehri::system::wait_child().is_error())
        return -1;
    return status_of((read_tsc() - start) / (2 * yield_rounds));
}

void yielding_thread(void*) { yield_rounds_loop(); }

int context_switch_threads()
{
    uint64_t start = read_tsc();
    auto partner = gehri::start_thread(yielding_thread, nullptr);
    if (partner.is_error())
        return -1;
    yield_rounds_loop();
    if (gehri::system::wait(partner.value().value()).is_error())
        return -1;
    return status_of((read_tsc() - start) / (2 * yield_rounds));
}

int sink()
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    gehri::Channel channel(bootstrap.release_value());
    alignas(8) uint8_t message[64];
    uint64_t received = 0;
    for (;;) {
        auto read = channel.read(message, sizeof(message));
        if (read.is_error())
            return 101;
        if (read.value().size == 0)
            break;
        ++received;
    }
    return channel.write(&received, sizeof(received)).is_ok() ? 0 : 102;
}

// Writes, and when the sink's queue is full sleeps until it is writable again (a channel write
// does not block).
gehri::Result<void> write_waiting(const gehri::Channel& channel, const void* bytes, size_t length)
{
    for (;;) {
        auto written = channel.write(bytes, length);
        if (written.is_ok() || written.error() != Error::QueueFull)
            return written;
        abi::WaitItem item { .handle = channel.handle().value(), .interest = abi::signal::writable | abi::signal::peer_closed };
        TRY(gehri::system::wait_many(&item, 1, abi::wait_forever));
    }
}

int pipe_throughput(gehri::Agent& self)
{
    auto partner = spawn_partner(self, "sink", 8);
    if (partner.is_error())
        return -1;
    const gehri::Channel& channel = partner.value();
    alignas(8) uint8_t message[64];
    for (size_t i = 0; i < sizeof(message); ++i)
        message[i] = static_cast<uint8_t>('t' + i);
    uint64_t start = read_tsc();
    for (uint64_t i = 0; i < stream_messages; ++i) {
        if (write_waiting(channel, message, sizeof(message)).is_error())
            return -1;
    }
    if (write_waiting(channel, message, 0).is_error())
        return -1;
    uint64_t received = 0;
    auto answer = channel.read(&received, sizeof(received));
    uint64_t elapsed = read_tsc() - start;
    if (answer.is_error() || received != stream_messages || gehri::system::wait_child().is_error())
        return -1;
    return status_of(elapsed / stream_messages);
}

} // namespace

int main(gehri::Agent& self)
{
    uint64_t argument = self.argument();
    switch (argument) {
    case 0: return 0;
    case 1: return fanout_subscriber();
    case 2: return idle_agent();
    case 3: return spawn_wait(self);
    case 4: return context_switch(self);
    case 5: return yielding_child();
    case 6: return context_switch_threads();
    case 7: return pipe_throughput(self);
    case 8: return sink();
    default: break;
    }
    if (argument > 100 && argument <= 100 + 4000)
        return fanout(self, static_cast<uint32_t>(argument - 100));
    return -1;
}

// The agent side of Gehri's `./gehri bench` workloads (kernel/bench/AgentWorkloads.cpp spawns
// it): each coordinator role measures one workload with the TSC (guest instructions under
// -icount shift=0) and exits with the figure as its status; the other roles are the agents it
// measures against.
//   argument 0      exits at once (spawn_wait's child)
//   argument 1      fan-out subscriber: acknowledges every sample, ends on an empty sample
//   argument 2      idle agent: writes one message on its bootstrap channel, then blocks reading
//                   it until the kernel closes the other end (start_1000_agents)
//   argument 3      spawn_wait: spawn + wait of the argument-0 child, per operation
//   argument 100+N  fan-out to N subscriber agents: one 64-byte sample to all, all acknowledged
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::Handle;
using gehri::Rights;
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

} // namespace

int main(gehri::Agent& self)
{
    uint64_t argument = self.argument();
    switch (argument) {
    case 0: return 0;
    case 1: return fanout_subscriber();
    case 2: return idle_agent();
    case 3: return spawn_wait(self);
    default: break;
    }
    if (argument > 100 && argument <= 100 + 4000)
        return fanout(self, static_cast<uint32_t>(argument - 100));
    return -1;
}

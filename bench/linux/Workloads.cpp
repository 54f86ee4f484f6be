// Each workload measures a steady state: it warms up first (page faults, first wake-ups), then
// times `iterations` operations with two clock reads around the whole loop.
#include "Workloads.h"
#include "Report.h"
#include "Sys.h"

#include <atomic>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/futex.h>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace bench {

namespace {

constexpr size_t message_size = 64;
const char* s_tiny_program = "/bin/tiny";

struct Message {
    char bytes[message_size];
};

Message make_message(char fill)
{
    Message message;
    std::memset(message.bytes, fill, sizeof(message.bytes));
    return message;
}

// --- Null system call ----------------------------------------------------------------------

void null_syscall()
{
    constexpr uint64_t iterations = 200'000;
    for (int i = 0; i < 1000; ++i)
        getppid();
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < iterations; ++i)
        getppid();
    report_time("null_syscall", now_ns() - start, iterations);
}

// --- Round trips between two processes over a pair of descriptors ---------------------------

struct EchoEnds {
    int in;
    int out;
};

int echo_child(void* argument)
{
    // Only our ends stay open, so closing the parent's end is our end of file.
    auto* ends = static_cast<EchoEnds*>(argument);
    keep_only(ends->in, ends->out);
    Message message;
    while (read_exact(0, &message, sizeof(message))) {
        if (!write_exact(1, &message, sizeof(message)))
            return 1;
    }
    return 0;
}

// Sends a message to `out` and waits for it to come back on `in`, `iterations` times.
uint64_t time_round_trips(int out, int in, uint64_t iterations)
{
    Message message = make_message('p');
    for (int i = 0; i < 100; ++i) {
        if (!write_exact(out, &message, sizeof(message)) || !read_exact(in, &message, sizeof(message)))
            fail("warm-up round trip");
    }
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < iterations; ++i) {
        if (!write_exact(out, &message, sizeof(message)) || !read_exact(in, &message, sizeof(message)))
            fail("round trip");
    }
    return now_ns() - start;
}

void pipe_rtt()
{
    constexpr uint64_t iterations = 20'000;
    Pipe request = make_pipe();
    Pipe reply = make_pipe();
    EchoEnds ends { request.read_end, reply.write_end };
    pid_t child = fork_child(echo_child, &ends);
    close(request.read_end);
    close(reply.write_end);
    uint64_t elapsed = time_round_trips(request.write_end, reply.read_end, iterations);
    close(request.write_end);
    close(reply.read_end);
    reap(child);
    report_time("pipe_rtt", elapsed, iterations, "bytes=64");
}

void unix_socket_rtt()
{
    constexpr uint64_t iterations = 20'000;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        fail("socketpair");
    EchoEnds ends { pair[1], pair[1] };
    pid_t child = fork_child(echo_child, &ends);
    close(pair[1]);
    uint64_t elapsed = time_round_trips(pair[0], pair[0], iterations);
    close(pair[0]);
    reap(child);
    report_time("unix_socket_rtt", elapsed, iterations, "bytes=64");
}

// --- Futex round trip between two threads ---------------------------------------------------

struct alignas(64) FutexWord {
    std::atomic<uint32_t> value { 0 };
};

// Private futexes between threads; shared ones (keyed by the physical page) between processes.
struct FutexPingPong {
    FutexWord ping;
    FutexWord pong;
    uint64_t iterations;
    int private_flag;
};

constexpr uint64_t futex_warm_up = 100;
constexpr uint64_t futex_iterations = 20'000;

long futex(std::atomic<uint32_t>& word, int operation, uint32_t value)
{
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), operation, value, nullptr, nullptr, 0);
}

void futex_signal(FutexWord& word, int private_flag)
{
    word.value.store(1, std::memory_order_release);
    futex(word.value, FUTEX_WAKE | private_flag, 1);
}

void futex_await(FutexWord& word, int private_flag)
{
    while (word.value.load(std::memory_order_acquire) == 0)
        futex(word.value, FUTEX_WAIT | private_flag, 0);
    word.value.store(0, std::memory_order_relaxed);
}

void* futex_partner(void* argument)
{
    auto* state = static_cast<FutexPingPong*>(argument);
    for (uint64_t i = 0; i < state->iterations; ++i) {
        futex_await(state->ping, state->private_flag);
        futex_signal(state->pong, state->private_flag);
    }
    return nullptr;
}

int futex_partner_process(void* argument)
{
    futex_partner(argument);
    return 0;
}

uint64_t time_futex_round_trips(FutexPingPong& state)
{
    for (uint64_t i = 0; i < futex_warm_up; ++i) {
        futex_signal(state.ping, state.private_flag);
        futex_await(state.pong, state.private_flag);
    }
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < futex_iterations; ++i) {
        futex_signal(state.ping, state.private_flag);
        futex_await(state.pong, state.private_flag);
    }
    return now_ns() - start;
}

void futex_rtt()
{
    FutexPingPong state;
    state.iterations = futex_warm_up + futex_iterations;
    state.private_flag = FUTEX_PRIVATE_FLAG;
    pthread_t partner;
    if (pthread_create(&partner, nullptr, futex_partner, &state) != 0)
        fail("pthread_create");
    uint64_t elapsed = time_futex_round_trips(state);
    pthread_join(partner, nullptr);
    report_time("futex_rtt", elapsed, futex_iterations, "between=threads");
}

void futex_rtt_processes()
{
    void* shared = mmap(nullptr, sizeof(FutexPingPong), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        fail("mmap");
    auto* state = new (shared) FutexPingPong;
    state->iterations = futex_warm_up + futex_iterations;
    state->private_flag = 0;
    pid_t child = fork_child(futex_partner_process, state);
    uint64_t elapsed = time_futex_round_trips(*state);
    reap(child);
    munmap(shared, sizeof(FutexPingPong));
    report_time("futex_rtt_processes", elapsed, futex_iterations, "between=processes");
}

// --- Context switch: two yielders on one CPU -------------------------------------------------

constexpr uint64_t yield_rounds = 20'000;

void yield_rounds_loop()
{
    for (uint64_t i = 0; i < yield_rounds; ++i)
        sched_yield();
}

int yielding_child(void* argument)
{
    char go;
    if (!read_exact(*static_cast<int*>(argument), &go, 1))
        return 1;
    yield_rounds_loop();
    return 0;
}

void context_switch_processes()
{
    Pipe start_signal = make_pipe();
    pid_t child = fork_child(yielding_child, &start_signal.read_end);
    close(start_signal.read_end);
    uint64_t start = now_ns();
    write_exact(start_signal.write_end, "g", 1);
    yield_rounds_loop();
    reap(child);
    uint64_t elapsed = now_ns() - start;
    close(start_signal.write_end);
    report_time("context_switch", elapsed, 2 * yield_rounds, "between=processes via=sched_yield");
}

void* yielding_thread(void*)
{
    yield_rounds_loop();
    return nullptr;
}

void context_switch_threads()
{
    pthread_t partner;
    uint64_t start = now_ns();
    if (pthread_create(&partner, nullptr, yielding_thread, nullptr) != 0)
        fail("pthread_create");
    yield_rounds_loop();
    pthread_join(partner, nullptr);
    report_time("context_switch_threads", now_ns() - start, 2 * yield_rounds, "between=threads via=sched_yield");
}

// --- Spawning the tiny program ----------------------------------------------------------------

pid_t spawn_tiny(const char* mode, posix_spawn_file_actions_t* actions)
{
    char* argv[] = { const_cast<char*>("tiny"), const_cast<char*>(mode), nullptr };
    if (!*mode)
        argv[1] = nullptr;
    pid_t pid;
    int error = posix_spawn(&pid, s_tiny_program, actions, nullptr, argv, environ);
    if (error != 0) {
        errno = error;
        fail("posix_spawn");
    }
    return pid;
}

void spawn_wait()
{
    constexpr uint64_t iterations = 200;
    for (int i = 0; i < 5; ++i)
        reap(spawn_tiny("", nullptr));
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < iterations; ++i) {
        if (!reap(spawn_tiny("", nullptr)))
            fail("tiny program failed");
    }
    report_time("spawn_wait", now_ns() - start, iterations, "how=posix_spawn+waitpid");
}

// Starts `count` tiny programs that each report on fd 3 and then block reading fd 4.
// Returns the time until the last one has reported; they exit when `release` is closed.
uint64_t start_blocked_tinies(size_t count, Pipe ready, Pipe release, std::vector<pid_t>& children)
{
    // Both sources above fd 4 first, so the first dup2 cannot overwrite the second's source.
    int ready_source = fcntl(ready.write_end, F_DUPFD_CLOEXEC, 16);
    int release_source = fcntl(release.read_end, F_DUPFD_CLOEXEC, 16);
    if (ready_source < 0 || release_source < 0)
        fail("fcntl(F_DUPFD_CLOEXEC)");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ready_source, 3);
    posix_spawn_file_actions_adddup2(&actions, release_source, 4);
    uint64_t start = now_ns();
    for (size_t i = 0; i < count; ++i)
        children.push_back(spawn_tiny("wait", &actions));
    std::vector<char> acks(count);
    if (!read_exact(ready.read_end, acks.data(), count))
        fail("reading start acknowledgements");
    uint64_t elapsed = now_ns() - start;
    posix_spawn_file_actions_destroy(&actions);
    close(ready_source);
    close(release_source);
    return elapsed;
}

void start_1000_processes()
{
    constexpr size_t count = 1000;
    raise_descriptor_limit(4096);
    Pipe ready = make_pipe();
    Pipe release = make_pipe();
    std::vector<pid_t> children;
    uint64_t elapsed = start_blocked_tinies(count, ready, release, children);
    close(release.write_end);
    for (pid_t child : children)
        reap(child);
    close(ready.read_end);
    close(ready.write_end);
    close(release.read_end);
    char extra[64];
    std::snprintf(extra, sizeof(extra), "per_process=%llu", static_cast<unsigned long long>(elapsed / count));
    report("start_1000_processes", time_unit(), elapsed, count, extra);
}

// --- Memory per blocked process ---------------------------------------------------------------

struct BlockedChildEnds {
    int ready;
    int release;
};

int blocked_child(void* argument)
{
    auto* ends = static_cast<BlockedChildEnds*>(argument);
    keep_only(ends->release, ends->ready);
    char byte = 'r';
    write_exact(1, &byte, 1);
    while (read(0, &byte, 1) > 0) {
    }
    return 0;
}

void memory_per_blocked_process()
{
    constexpr size_t count = 1000;
    raise_descriptor_limit(4096);
    Pipe ready = make_pipe();
    Pipe release = make_pipe();
    BlockedChildEnds ends { ready.write_end, release.read_end };
    long free_before = meminfo_kib("MemFree");
    long available_before = meminfo_kib("MemAvailable");
    std::vector<pid_t> children;
    for (size_t i = 0; i < count; ++i)
        children.push_back(fork_child(blocked_child, &ends));
    std::vector<char> acks(count);
    if (!read_exact(ready.read_end, acks.data(), count))
        fail("reading blocked-child acknowledgements");
    long free_after = meminfo_kib("MemFree");
    long available_after = meminfo_kib("MemAvailable");
    close(release.write_end);
    for (pid_t child : children)
        reap(child);
    close(ready.read_end);
    close(ready.write_end);
    close(release.read_end);
    if (free_before < 0 || free_after < 0)
        fail("reading /proc/meminfo");
    char extra[96];
    std::snprintf(extra, sizeof(extra), "how=fork memavailable_kib=%ld",
        (available_before - available_after) / static_cast<long>(count));
    report("memory_per_blocked_process", "KiB", static_cast<uint64_t>((free_before - free_after) / static_cast<long>(count)), count, extra);
}

// --- Fan-out: one publisher, N subscribers, one pipe each, every message acknowledged --------

int subscriber(void* argument)
{
    auto* ends = static_cast<EchoEnds*>(argument);
    keep_only(ends->in, ends->out);
    Message message;
    while (read_exact(0, &message, sizeof(message))) {
        if (!write_exact(1, "a", 1))
            return 1;
    }
    return 0;
}

// One round: the message to every subscriber, then wait for all their acknowledgements.
void publish_round(const std::vector<int>& subscribers, int acks, std::vector<char>& scratch)
{
    Message message = make_message('m');
    for (int fd : subscribers) {
        if (!write_exact(fd, &message, sizeof(message)))
            fail("publishing");
    }
    if (!read_exact(acks, scratch.data(), subscribers.size()))
        fail("collecting acknowledgements");
}

void fanout(size_t width, uint64_t rounds, const char* name)
{
    raise_descriptor_limit(width + 64);
    Pipe acks = make_pipe();
    std::vector<int> subscribers;
    std::vector<pid_t> children;
    uint64_t setup_start = now_ns();
    for (size_t i = 0; i < width; ++i) {
        Pipe channel = make_pipe();
        EchoEnds ends { channel.read_end, acks.write_end };
        children.push_back(fork_child(subscriber, &ends));
        close(channel.read_end);
        subscribers.push_back(channel.write_end);
    }
    uint64_t setup = now_ns() - setup_start;
    std::vector<char> scratch(width);
    publish_round(subscribers, acks.read_end, scratch);
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < rounds; ++i)
        publish_round(subscribers, acks.read_end, scratch);
    uint64_t elapsed = now_ns() - start;
    for (int fd : subscribers)
        close(fd);
    for (pid_t child : children)
        reap(child);
    close(acks.read_end);
    close(acks.write_end);
    char extra[96];
    std::snprintf(extra, sizeof(extra), "bytes=64 subscribers=%zu setup=%llu", width, static_cast<unsigned long long>(setup));
    report_time(name, elapsed, rounds, extra);
}

void fanout_100() { fanout(100, 100, "fanout_100"); }
void fanout_1000() { fanout(1000, 10, "fanout_1000"); }

// --- Small-message throughput over one pipe ---------------------------------------------------

struct SinkEnds {
    int in;
    int done;
};

int sink_child(void* argument)
{
    auto* ends = static_cast<SinkEnds*>(argument);
    keep_only(ends->in, ends->done);
    Message message;
    uint64_t received = 0;
    while (read_exact(0, &message, sizeof(message)))
        ++received;
    return write_exact(1, &received, sizeof(received)) ? 0 : 1;
}

void pipe_throughput()
{
    constexpr uint64_t messages = 100'000;
    Pipe data = make_pipe();
    Pipe done = make_pipe();
    SinkEnds ends { data.read_end, done.write_end };
    pid_t child = fork_child(sink_child, &ends);
    close(data.read_end);
    close(done.write_end);
    Message message = make_message('t');
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < messages; ++i) {
        if (!write_exact(data.write_end, &message, sizeof(message)))
            fail("streaming");
    }
    close(data.write_end);
    uint64_t received = 0;
    if (!read_exact(done.read_end, &received, sizeof(received)) || received != messages)
        fail("the sink lost messages");
    uint64_t elapsed = now_ns() - start;
    close(done.read_end);
    reap(child);
    report_time("pipe_throughput", elapsed, messages, "bytes=64 per=message");
}

const Workload s_workloads[] = {
    { "null_syscall", null_syscall },
    { "pipe_rtt", pipe_rtt },
    { "futex_rtt", futex_rtt },
    { "futex_rtt_processes", futex_rtt_processes },
    { "unix_socket_rtt", unix_socket_rtt },
    { "context_switch", context_switch_processes },
    { "context_switch_threads", context_switch_threads },
    { "pipe_throughput", pipe_throughput },
    { "spawn_wait", spawn_wait },
    { "fanout_100", fanout_100 },
    { "fanout_1000", fanout_1000 },
    { "memory_per_blocked_process", memory_per_blocked_process },
    { "start_1000_processes", start_1000_processes },
};

} // namespace

const Workload* workloads(int& count)
{
    count = static_cast<int>(sizeof(s_workloads) / sizeof(s_workloads[0]));
    return s_workloads;
}

void set_tiny_program(const char* path) { s_tiny_program = path; }

} // namespace bench

// fuzz: issues random system calls with random arguments (a fixed seed, printed, so a failure
// can be replayed) and checks that each one comes back with a value or a known error. The
// kernel must neither panic nor leak: the in-kernel test that runs this agent compares the
// kernel's memory before and after. Argument: the number of calls (0: 1,000,000).
//
// The arguments come from pools of interesting values (valid and invalid handles, pointers into
// a scratch area, the kernel, unmapped and non-canonical memory, lengths around every limit),
// so most calls get past the decoding into the handlers. Calls that would end the agent (Exit,
// ThreadExit) or block for long (long sleeps and waits) are kept out or bounded.
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

using gehri::abi::Syscall;

constexpr uint64_t seed = 0x6765687269'2026ull;
constexpr uint64_t default_calls = 1'000'000;

// xorshift64*: small, fast, and the same sequence everywhere.
class Random {
public:
    explicit Random(uint64_t seed)
        : m_state(seed)
    {
    }
    uint64_t next()
    {
        m_state ^= m_state >> 12;
        m_state ^= m_state << 25;
        m_state ^= m_state >> 27;
        return m_state * 0x2545f4914f6cdd1dull;
    }
    uint64_t below(uint64_t bound) { return next() % bound; }

private:
    uint64_t m_state;
};

// The kernel may write anything here; the agent's own state lives elsewhere.
alignas(64) uint8_t s_scratch[16384];
gehri::HandleValue s_self = 0;
gehri::HandleValue s_handles[64];
size_t s_handle_count = 0;

void idle_thread(uint64_t) { gehri::system::thread_exit(); }

uint64_t random_handle(Random& random)
{
    switch (random.below(6)) {
    case 0: return 0;
    case 1: return random.next();
    case 2: return random.next() & 0xffffffff;
    case 3: return s_self;
    default: return s_handle_count ? s_handles[random.below(s_handle_count)] : s_self;
    }
}

uint64_t random_pointer(Random& random)
{
    switch (random.below(10)) {
    case 0: return 0;
    case 1: return 0x1000;
    case 2: return 0xffffffff80000000ull + random.below(1 << 20);
    case 3: return 0x0000800000000000ull - random.below(64);
    case 4: return random.next();
    case 5: return reinterpret_cast<uint64_t>(&random_pointer); // read-only text
    default: return reinterpret_cast<uint64_t>(s_scratch) + random.below(sizeof(s_scratch));
    }
}

uint64_t random_length(Random& random)
{
    switch (random.below(6)) {
    case 0: return 0;
    case 1: return random.below(64);
    case 2: return 4096 * (1 + random.below(16));
    case 3: return random.next();
    case 4: return 1025;
    default: return random.below(sizeof(s_scratch));
    }
}

uint64_t random_value(Random& random)
{
    switch (random.below(4)) {
    case 0: return random.below(8);
    case 1: return random.next();
    case 2: return uint64_t(1) << random.below(64);
    default: return ~uint64_t(0) - random.below(4);
    }
}

// A spawn request that is sometimes right (bin/hello with a small quota) and often not. A
// real spawn costs a thousand times a refused one, so few are real.
uint64_t random_spawn_request(Random& random)
{
    if (random.below(32) != 0)
        return random_pointer(random);
    static const char program[] = "bin/hello";
    auto* request = reinterpret_cast<gehri::abi::SpawnRequest*>(s_scratch + 8192);
    *request = {};
    request->program = random.below(8) ? reinterpret_cast<uint64_t>(program) : random_pointer(random);
    request->program_length = random.below(8) ? sizeof(program) - 1 : random_length(random);
    request->memory_quota = random.below(8) ? 256 * 1024 : random_value(random);
    request->priority_class = random.below(8) ? 3 : static_cast<uint32_t>(random.next());
    request->weight = random.below(8) ? 100 : static_cast<uint32_t>(random.next());
    request->bootstrap_handle = random.below(16) ? 0 : static_cast<uint32_t>(random.next());
    return reinterpret_cast<uint64_t>(request);
}

void remember(int64_t result)
{
    if (result > 0 && result <= 0xffffffff && s_handle_count < sizeof(s_handles) / sizeof(s_handles[0]))
        s_handles[s_handle_count++] = static_cast<gehri::HandleValue>(result);
}

int64_t random_call(Random& random)
{
    auto number = static_cast<Syscall>(random.below(static_cast<uint64_t>(Syscall::Count) + 2));
    uint64_t small_timeout = random.below(100'000); // ns: waits end quickly
    switch (number) {
    case Syscall::Exit:
    case Syscall::ThreadExit: return 0; // would end the fuzzer
    case Syscall::DebugWrite:
        // Text would flood the log: only what the kernel must refuse, or nothing.
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random.below(2) ? 0xffffffff80000000ull : 0x1000,
            random.below(2) ? 0 : random_length(random), 0, 0, 0, 0);
    case Syscall::HandleDuplicate: {
        int64_t result = gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random.below(256), 0, 0, 0, 0);
        remember(result);
        return result;
    }
    case Syscall::HandleClose: {
        uint64_t handle = random_handle(random);
        if (handle == s_self)
            return 0; // keep the right to spawn
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), handle, 0, 0, 0, 0, 0);
    }
    case Syscall::Wait:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), small_timeout, random_pointer(random), 0, 0, 0);
    case Syscall::WaitChild:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), small_timeout, random_pointer(random), 0, 0, 0, 0);
    case Syscall::EventTake:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), small_timeout, 0, 0, 0);
    case Syscall::Sleep: return gehri::system::raw::syscall6(static_cast<uint64_t>(number), small_timeout, 0, 0, 0, 0, 0);
    case Syscall::Spawn: {
        int64_t result = gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_spawn_request(random), 0, 0, 0, 0);
        remember(result);
        return result;
    }
    case Syscall::ThreadCreate: {
        // Only a well-behaved entry: a thread that faults would end the whole agent.
        if (random.below(64) != 0)
            return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random.below(2) ? 0 : 0xffffffff80000000ull,
                random_value(random), random_length(random), 0, 0, 0);
        int64_t result = gehri::system::raw::syscall6(static_cast<uint64_t>(number), reinterpret_cast<uint64_t>(&idle_thread), 0,
            random.below(2) ? 0 : 16384, 0, 0, 0);
        remember(result);
        return result;
    }
    case Syscall::MemoryMap: return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_length(random), random.below(5), 0, 0, 0, 0);
    case Syscall::MemoryUnmap:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random.below(2) ? random_pointer(random) : 0x0000100000000000ull,
            random_length(random), 0, 0, 0, 0);
    case Syscall::ChannelCreate: {
        auto* pair = reinterpret_cast<gehri::HandleValue*>(s_scratch + 12288);
        int64_t result = gehri::system::raw::syscall6(static_cast<uint64_t>(number), random.below(4) ? reinterpret_cast<uint64_t>(pair) : random_pointer(random),
            0, 0, 0, 0, 0);
        if (result == 0 && random.below(4)) {
            remember(pair[0]);
            remember(pair[1]);
        }
        return result;
    }
    case Syscall::ChannelRead:
    case Syscall::TopicTake: {
        // A short timeout: a random one could block the fuzzer for good on a live channel.
        auto* info = reinterpret_cast<gehri::abi::ReadInfo*>(s_scratch + 12800);
        *info = { .timeout_ns = small_timeout };
        uint64_t io = random.below(8) ? reinterpret_cast<uint64_t>(info) : (random.below(2) ? 0 : 0xffffffff80000000ull);
        if (number == Syscall::TopicTake)
            return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), random_length(random), io, 0, 0);
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), random_length(random),
            random_pointer(random), random_length(random), io);
    }
    case Syscall::WatchNext: {
        // A short timeout, as for reads.
        auto* info = reinterpret_cast<gehri::abi::WatchEventInfo*>(s_scratch + 12928);
        *info = { .timeout_ns = small_timeout };
        uint64_t io = random.below(8) ? reinterpret_cast<uint64_t>(info) : (random.below(2) ? 0 : 0xffffffff80000000ull);
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), random_length(random), io, 0, 0);
    }
    case Syscall::WaitMany: {
        auto* items = reinterpret_cast<gehri::abi::WaitItem*>(s_scratch + 13312);
        for (int i = 0; i < 4; ++i)
            items[i] = { .handle = static_cast<uint32_t>(random_handle(random)), .interest = static_cast<uint32_t>(random.below(64)) };
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random.below(8) ? reinterpret_cast<uint64_t>(items) : random_pointer(random),
            random.below(6), small_timeout, 0, 0, 0);
    }
    case Syscall::WaitSetWait:
        // A wait set the fuzzer made may have nothing ready: the timeout stays short.
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), random.below(70),
            small_timeout, 0, 0);
    case Syscall::Kill:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_value(random), 0, 0, 0, 0);
    default:
        return gehri::system::raw::syscall6(static_cast<uint64_t>(number), random_handle(random), random_pointer(random), random_length(random),
            random_value(random), random_pointer(random), random_length(random));
    }
}

bool is_known_result(int64_t result)
{
    if (result >= 0)
        return true;
    int64_t error = -result;
    return error >= 1 && error <= static_cast<int64_t>(gehri::Error::BufferTooSmall);
}

} // namespace

int main(gehri::Agent& self)
{
    uint64_t calls = self.argument() ? self.argument() : default_calls;
    s_self = self.handle().value();
    gehri::println("fuzz: {} random syscalls, seed {:#x}", calls, seed);
    Random random(seed);
    uint64_t errors = 0;
    uint64_t unknown = 0;
    for (uint64_t i = 0; i < calls; ++i) {
        int64_t result = random_call(random);
        errors += result < 0;
        if (!is_known_result(result) && unknown++ < 5)
            gehri::println("fuzz: call {} returned {}, which is no error the ABI knows", i, result);
    }
    // Children it started must not outlive it unreported: collect them.
    while (gehri::system::wait_child(1'000'000'000).is_ok()) { }
    gehri::println("fuzz: done, {} calls, {} refused with an error, {} unknown results", calls, errors, unknown);
    return unknown == 0 ? 0 : 1;
}

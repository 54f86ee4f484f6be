// Shared memory objects between agents, end to end (kernel/tests runs it; exit status =
// failures): one object mapped read-write here and in a consumer agent (argument 1) that takes
// records from an SpscRing in it without any system call and writes its checksum back, and a
// read-only mapping in another agent (argument 2) whose write faults. Also quota and rights;
// and the blocking ring over an event (BlockingRing.cpp, a consumer agent with argument 3).
#include "BlockingRing.h"
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::Handle;
using gehri::Rights;
using gehri::SharedMemory;
using gehri::ipc::SpscRing;
namespace abi = gehri::abi;

constexpr uint64_t second = 1'000'000'000;
constexpr size_t object_size = 16 * 1024;
constexpr size_t ring_bytes = 8192 + SpscRing::header_size;
constexpr size_t result_offset = 12 * 1024; // where the consumer writes its checksum
constexpr uint32_t records = 200;
int s_failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++s_failures;
        gehri::println("shm: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++s_failures;
        gehri::println("shm: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

int consumer()
{
    auto handle = gehri::bootstrap_handle();
    if (handle.is_error())
        return 100;
    SharedMemory memory(handle.release_value());
    auto mapping = memory.map(true);
    if (mapping.is_error() || mapping.value().size() != object_size)
        return 101;
    auto ring = SpscRing::attach({ mapping.value().data(), ring_bytes });
    if (ring.is_error())
        return 102;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < records; ++i) {
        uint32_t record = 0;
        auto popped = ring.value().try_pop({ reinterpret_cast<uint8_t*>(&record), sizeof(record) });
        if (popped.is_error() || popped.value() != sizeof(record) || record != i)
            return 103;
        sum += record;
    }
    __atomic_store_n(reinterpret_cast<uint64_t*>(mapping.value().data() + result_offset), sum, __ATOMIC_RELEASE);
    return 0;
}

int read_only_peer()
{
    auto handle = gehri::bootstrap_handle();
    if (handle.is_error())
        return 100;
    SharedMemory memory(handle.release_value());
    if (memory.map(true).is_ok())
        return 101; // the handle has no Write right: a writable mapping must be refused
    auto mapping = memory.map(false);
    if (mapping.is_error() || mapping.value().data()[result_offset + 100] != 0x5a)
        return 102;
    // This faults: the kernel ends the agent with a page fault, which the test checks.
    *reinterpret_cast<volatile uint8_t*>(mapping.value().data()) = 1;
    return 103;
}

gehri::Result<gehri::ChildAgent> start(gehri::Agent& self, const SharedMemory& memory, Rights rights, uint64_t role)
{
    Handle bootstrap = TRY(memory.handle().duplicate(rights));
    return gehri::spawn(self.handle(), { .program = "bin/shm", .name = role == 1 ? "shm-consumer" : "shm-reader", .argument = role, .memory_quota = 256 * 1024, .bootstrap = &bootstrap });
}

void check_bad_input()
{
    check_error(SharedMemory::create(0), Error::InvalidArgument, "a memory object of 0 bytes");
    check_error(SharedMemory::create(100), Error::InvalidArgument, "a size that is not a page multiple");
    check_error(SharedMemory::create(1ull << 30), Error::InvalidArgument, "a memory object over 64 MiB");
    check_error(SharedMemory::create(32 * 1024 * 1024), Error::QuotaExceeded, "a memory object over the agent's quota");
    auto memory = SharedMemory::create(4096).release_value();
    auto no_map = memory.handle().duplicate(Rights::Read).release_value();
    check_error(gehri::system::memory_map_object(no_map.value(), abi::MemoryFlags::Read, nullptr), Error::AccessDenied, "map without the Map right");
    check_error(gehri::system::memory_map_object(memory.handle().value(), abi::MemoryFlags::Execute, nullptr), Error::InvalidArgument,
        "an executable shared mapping");
    auto mapping = memory.map(true);
    check(mapping.is_ok() && mapping.value().data()[4095] == 0, "a new memory object is zeroed");
}

} // namespace

int main(gehri::Agent& self)
{
    if (self.argument() == 1)
        return consumer();
    if (self.argument() == 2)
        return read_only_peer();
    if (self.argument() == 3)
        return shm::blocking_consumer();
    check_bad_input();
    s_failures += shm::check_events();
    s_failures += shm::check_blocking_ring(self);
    auto memory = SharedMemory::create(object_size);
    auto mapping = memory.is_ok() ? memory.value().map(true) : gehri::Result<gehri::Mapping>(memory.error());
    check(mapping.is_ok(), "create and map a memory object");
    if (mapping.is_error())
        return s_failures;
    uint8_t* shared = mapping.value().data();
    shared[result_offset + 100] = 0x5a;
    auto ring = SpscRing::format({ shared, ring_bytes });
    check(ring.is_ok(), "format a ring in shared memory");
    uint64_t expected = 0;
    for (uint32_t i = 0; ring.is_ok() && i < records; ++i) {
        check(ring.value().try_push({ reinterpret_cast<const uint8_t*>(&i), sizeof(i) }).is_ok(), "push a record");
        expected += i;
    }
    auto consumer_agent = start(self, memory.value(), Rights::Read | Rights::Write | Rights::Map | Rights::Transfer, 1);
    check(consumer_agent.is_ok(), "spawn the consumer");
    if (consumer_agent.is_ok()) {
        auto ended = consumer_agent.value().wait(10 * second);
        check(ended.is_ok() && ended.value().reason == abi::ExitReason::Exited && ended.value().status == 0, "the consumer read every record");
        uint64_t sum = __atomic_load_n(reinterpret_cast<uint64_t*>(shared + result_offset), __ATOMIC_ACQUIRE);
        check(sum == expected, "the consumer's checksum is visible here: the pages are shared");
    }
    auto reader = start(self, memory.value(), Rights::Read | Rights::Map | Rights::Transfer, 2);
    check(reader.is_ok(), "spawn the read-only peer");
    if (reader.is_ok()) {
        auto ended = reader.value().wait(10 * second);
        check(ended.is_ok() && ended.value().reason == abi::ExitReason::Faulted && ended.value().fault_vector == 14,
            "a write through a read-only mapping faults");
    }
    gehri::println("shm: {} failures", s_failures);
    return s_failures;
}

// Faults on purpose, in the way its start argument says, so the tests can check that the
// kernel reports the fault, kills only this agent and keeps running. If the fault does not
// happen, it exits with status 1 (which the tests count as a failure).
#include <user/libgehri/Gehri.h>

extern "C" void _start(); // in the agent's own (read-only) text

namespace {

enum class Crash : uint64_t {
    NullRead = 0,
    PrivilegedInstruction = 1,
    DivideByZero = 2,
    ExecuteKernel = 3,
    WriteOwnText = 4,
    ReadKernel = 5,
    StackOverflow = 6,
    InvalidOpcode = 7,
    NonCanonical = 8,
    UnmapUnderReader = 9,
};

constexpr uint64_t kernel_text = 0xffffffff80100000;

[[gnu::noinline]] uint64_t recurse(uint64_t depth)
{
    if (depth == ~uint64_t(0)) // never: the stack runs out long before
        return 0;
    volatile uint8_t frame[1024];
    frame[0] = static_cast<uint8_t>(depth);
    return recurse(depth + 1) + frame[0];
}

const char* name_of(Crash crash)
{
    switch (crash) {
    case Crash::NullRead: return "null read";
    case Crash::PrivilegedInstruction: return "privileged instruction";
    case Crash::DivideByZero: return "divide by zero";
    case Crash::ExecuteKernel: return "execute kernel address";
    case Crash::WriteOwnText: return "write own text";
    case Crash::ReadKernel: return "read kernel memory";
    case Crash::StackOverflow: return "stack overflow";
    case Crash::InvalidOpcode: return "invalid opcode";
    case Crash::NonCanonical: return "non-canonical address";
    case Crash::UnmapUnderReader: return "unmap a page another thread keeps reading";
    }
    return "unknown";
}

// A second thread reads the page in a loop (on another CPU when there is one, its TLB holding
// the translation); the main thread unmaps it. The kernel's TLB shootdown must make the
// reader's next read fault, which ends the agent. Without it, the reader would spin on.
volatile uint64_t s_reader_reads = 0;

void read_forever(void* page)
{
    auto* word = static_cast<volatile uint64_t*>(page);
    for (;;)
        s_reader_reads = s_reader_reads + *word;
}

int unmap_under_reader()
{
    constexpr size_t length = 4096;
    auto region = gehri::system::memory_map(length);
    if (region.is_error())
        return 2;
    *static_cast<volatile uint64_t*>(region.value()) = 1;
    auto reader = gehri::start_thread(read_forever, region.value());
    if (reader.is_error())
        return 3;
    while (s_reader_reads < 1000)
        gehri::system::yield();
    if (gehri::system::memory_unmap(region.value(), length).is_error())
        return 4;
    (void)gehri::system::sleep_ns(2'000'000'000);
    return 1; // the reader is still reading a page that is gone
}

} // namespace

int main(gehri::Agent& self)
{
    auto crash = static_cast<Crash>(self.argument());
    gehri::println("crasher: about to crash: {}", name_of(crash));
    switch (crash) {
    case Crash::NullRead:
        return *reinterpret_cast<volatile int*>(uintptr_t(0));
    case Crash::PrivilegedInstruction:
        asm volatile("hlt");
        break;
    case Crash::DivideByZero: {
        // In assembly: the compiler may rewrite 1 / x without a division (x == 0 is UB).
        uint32_t zero = 0;
        asm volatile("movl $1, %%eax\n xorl %%edx, %%edx\n divl %0" ::"r"(zero) : "rax", "rdx");
        break;
    }
    case Crash::ExecuteKernel:
        reinterpret_cast<void (*)()>(kernel_text)();
        break;
    case Crash::WriteOwnText:
        *reinterpret_cast<volatile uint8_t*>(reinterpret_cast<uintptr_t>(&_start)) = 0xcc;
        break;
    case Crash::ReadKernel:
        return *reinterpret_cast<volatile int*>(kernel_text);
    case Crash::StackOverflow:
        return static_cast<int>(recurse(0));
    case Crash::InvalidOpcode:
        asm volatile("ud2");
        break;
    case Crash::NonCanonical:
        return *reinterpret_cast<volatile int*>(0x0000900000000000ull);
    case Crash::UnmapUnderReader:
        return unmap_under_reader();
    }
    gehri::println("crasher: still alive after '{}'", name_of(crash));
    return 1;
}

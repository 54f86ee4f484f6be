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
    }
    return "unknown";
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
    }
    gehri::println("crasher: still alive after '{}'", name_of(crash));
    return 1;
}

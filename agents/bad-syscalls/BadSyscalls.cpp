// Feeds every system call bad pointers, lengths, handles, rights and numbers and checks the
// exact error each one returns (and that good calls still work in between). Prints
// "bad-syscalls: N passed, N failed" and exits with the number of failures.
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

using gehri::Error;
using gehri::Rights;
using gehri::abi::Syscall;

int s_passed = 0;
int s_failed = 0;

int64_t call(Syscall number, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0, uint64_t e = 0, uint64_t f = 0)
{
    return gehri::system::raw::syscall6(static_cast<uint64_t>(number), a, b, c, d, e, f);
}

int64_t error_value(Error error) { return gehri::abi::encode_error(error); }

void expect(const char* what, int64_t got, int64_t expected)
{
    if (got == expected) {
        ++s_passed;
        return;
    }
    ++s_failed;
    if (expected < 0)
        gehri::println("bad-syscalls: FAIL {}: got {}, expected {} ({})", what, got, expected, gehri::error_name(gehri::abi::decode_error(expected)));
    else
        gehri::println("bad-syscalls: FAIL {}: got {}, expected {}", what, got, expected);
}

void expect_error(const char* what, int64_t got, Error expected) { expect(what, got, error_value(expected)); }

void expect_true(const char* what, bool condition) { expect(what, condition ? 1 : 0, 1); }

// Addresses of every kind.
constexpr uint64_t kernel_address = 0xffffffff80000000;
constexpr uint64_t non_canonical = 0x0000800000000000; // the first address past user space
constexpr uint64_t unmapped = 0x1000; // below the first 64 KiB nothing is ever mapped
constexpr uint64_t last_user_bytes = 0x00007ffffffffff0;
uint64_t stack_top() { return gehri::initial_stack_top(); } // nothing is mapped above the stack

const char s_text[] = "bad-syscalls: a good debug_write";

void numbers()
{
    const uint64_t bad_numbers[] = { static_cast<uint64_t>(Syscall::Count), 20, 31, 59, 63, 1000, 1ull << 32, 1ull << 63, ~0ull };
    for (uint64_t number : bad_numbers)
        expect_error("unknown syscall number", gehri::system::raw::syscall6(number, 0, 0, 0, 0, 0, 0), Error::NotSupported);
    expect("null", call(Syscall::Null), 0);
    expect("null ignores its arguments", call(Syscall::Null, 1, 2, 3, 4, 5, 6), 0);
    expect("abi_version", call(Syscall::AbiVersion), gehri::abi::syscall_abi_version);
}

void debug_write()
{
    auto text = reinterpret_cast<uint64_t>(s_text);
    uint64_t length = sizeof(s_text) - 1;
    expect("debug_write good", call(Syscall::DebugWrite, text, length), static_cast<int64_t>(length));
    expect("debug_write empty", call(Syscall::DebugWrite, text, 0), 0);
    expect("debug_write null and empty", call(Syscall::DebugWrite, 0, 0), 0);
    expect_error("debug_write null", call(Syscall::DebugWrite, 0, 5), Error::BadAddress);
    expect_error("debug_write unmapped", call(Syscall::DebugWrite, unmapped, 8), Error::BadAddress);
    expect_error("debug_write kernel address", call(Syscall::DebugWrite, kernel_address, 8), Error::BadAddress);
    expect_error("debug_write non-canonical", call(Syscall::DebugWrite, non_canonical, 8), Error::BadAddress);
    expect_error("debug_write 1 << 63", call(Syscall::DebugWrite, 1ull << 63, 8), Error::BadAddress);
    expect_error("debug_write across the end of user space", call(Syscall::DebugWrite, last_user_bytes, 32), Error::BadAddress);
    expect_error("debug_write into the unmapped page above the stack", call(Syscall::DebugWrite, stack_top() - 16, 64), Error::BadAddress);
    expect_error("debug_write too long", call(Syscall::DebugWrite, text, gehri::abi::debug_write_max + 1), Error::InvalidArgument);
    expect_error("debug_write huge length", call(Syscall::DebugWrite, text, ~0ull), Error::InvalidArgument);
    // Exactly the limit is fine (the stack holds that much).
    char line[gehri::abi::debug_write_max];
    for (size_t i = 0; i < sizeof(line); ++i)
        line[i] = "0123456789"[i % 10];
    expect("debug_write at the limit", call(Syscall::DebugWrite, reinterpret_cast<uint64_t>(line), sizeof(line)), sizeof(line));
    // Control characters are the kernel's problem: it must neither fail nor pass them through.
    const char control[] = "bad-syscalls: control \x1b[31m\x07 characters\r";
    expect("debug_write control characters", call(Syscall::DebugWrite, reinterpret_cast<uint64_t>(control), sizeof(control) - 1), sizeof(control) - 1);
}

void exit_arguments()
{
    // A status that is not a 32-bit integer is refused, and the agent lives on.
    expect_error("exit with a 40-bit status", call(Syscall::Exit, 1ull << 40), Error::InvalidArgument);
    expect_error("exit with 0x80000000_00000000", call(Syscall::Exit, 1ull << 63), Error::InvalidArgument);
}

void handles(gehri::Agent& self)
{
    gehri::HandleValue agent = self.handle().value();
    gehri::HandleValue thread = self.thread_handle().value();
    const uint64_t bad_handles[] = { 0, 0xffffffff, 1ull << 32, (1ull << 32) | agent, ~0ull, agent ^ 0x1000, agent + 1 };
    for (uint64_t handle : bad_handles) {
        expect_error("handle_close bad handle", call(Syscall::HandleClose, handle), Error::BadHandle);
        expect_error("handle_duplicate bad handle", call(Syscall::HandleDuplicate, handle, 0), Error::BadHandle);
        expect_error("wait bad handle", call(Syscall::Wait, handle, 0, 0), Error::BadHandle);
        expect_error("agent_info bad handle", call(Syscall::AgentInfo, handle, 0), Error::BadHandle);
        expect_error("display_acquire bad handle", call(Syscall::DisplayAcquire, handle, 0), Error::BadHandle);
    }
    // Its handle to itself has no Display right (its manifest entry grants no `display`).
    gehri::abi::DisplayInfo display_info;
    expect_error("display_acquire without the Display right", call(Syscall::DisplayAcquire, agent, reinterpret_cast<uint64_t>(&display_info)),
        Error::AccessDenied);
    expect_error("display_acquire without the right, null out", call(Syscall::DisplayAcquire, agent, 0), Error::AccessDenied);
    expect_error("display_acquire on a thread handle", call(Syscall::DisplayAcquire, thread, reinterpret_cast<uint64_t>(&display_info)),
        Error::WrongObjectType);

    // Rights only ever shrink.
    expect_error("duplicate with unknown rights", call(Syscall::HandleDuplicate, agent, 1ull << 24), Error::InvalidArgument);
    expect_error("duplicate with rights beyond 32 bits", call(Syscall::HandleDuplicate, agent, 1ull << 40), Error::InvalidArgument);
    expect_error("duplicate adding Kill", call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read | Rights::Kill)), Error::AccessDenied);
    int64_t read_only = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read));
    expect_true("duplicate with fewer rights", read_only > 0);
    expect_error("duplicate a handle without Duplicate", call(Syscall::HandleDuplicate, read_only, static_cast<uint64_t>(Rights::Read)), Error::AccessDenied);
    expect_error("wait without the Wait right", call(Syscall::Wait, read_only, 0, 0), Error::AccessDenied);
    int64_t wait_only = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Wait));
    expect_error("agent_info without the Read right", call(Syscall::AgentInfo, wait_only, 0), Error::AccessDenied);
    expect("close the duplicate", call(Syscall::HandleClose, read_only), 0);
    expect_error("close it again", call(Syscall::HandleClose, read_only), Error::BadHandle);
    expect_error("use it after close", call(Syscall::AgentInfo, read_only, 0), Error::BadHandle);
    expect("close the second duplicate", call(Syscall::HandleClose, wait_only), 0);

    // The wrong kind of object.
    gehri::abi::AgentInfo info;
    expect_error("agent_info on a thread handle", call(Syscall::AgentInfo, thread, reinterpret_cast<uint64_t>(&info)), Error::WrongObjectType);

    // Waiting for oneself would never end.
    expect_error("wait for its own agent", call(Syscall::Wait, agent, 0, 0), Error::InvalidArgument);
    expect_error("wait for its own thread", call(Syscall::Wait, thread, gehri::abi::wait_forever, 0), Error::InvalidArgument);
    expect_error("wait with a kernel out pointer", call(Syscall::Wait, agent, 0, kernel_address), Error::BadAddress);
    expect_error("wait with an out pointer across the end", call(Syscall::Wait, agent, 0, last_user_bytes), Error::BadAddress);

    // The table fills up: OutOfHandles, and closing makes room again.
    static gehri::HandleValue made[1000];
    int count = 0;
    int64_t result = 0;
    while (count < 1000) {
        result = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read));
        if (result < 0)
            break;
        made[count++] = static_cast<gehri::HandleValue>(result);
    }
    expect_error("duplicate until the table is full", result, Error::OutOfHandles);
    expect_true("the table held a few hundred handles", count > 100 && count < 1000);
    int closed = 0;
    for (int i = 0; i < count; ++i)
        closed += call(Syscall::HandleClose, made[i]) == 0;
    expect("closing every duplicate", closed, count);
    expect_error("a closed handle stays dead", call(Syscall::HandleClose, made[0]), Error::BadHandle);
    expect_true("room again after closing", call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read)) > 0);
}

void user_memory(gehri::Agent& self)
{
    gehri::HandleValue agent = self.handle().value();
    gehri::abi::AgentInfo info;
    expect("agent_info good", call(Syscall::AgentInfo, agent, reinterpret_cast<uint64_t>(&info)), 0);
    expect("agent_info reports the id", static_cast<int64_t>(info.id), static_cast<int64_t>(self.id()));
    // Whoever started it chose the name; the tests start it as "bad-syscalls..."
    expect_true("agent_info reports the name", gehri::StringView(info.name).starts_with("bad-syscalls"));
    expect_error("agent_info into null", call(Syscall::AgentInfo, agent, 0), Error::BadAddress);
    expect_error("agent_info into unmapped memory", call(Syscall::AgentInfo, agent, unmapped), Error::BadAddress);
    expect_error("agent_info into the kernel", call(Syscall::AgentInfo, agent, kernel_address), Error::BadAddress);
    // Read-only memory: the kernel's copy faults on it and reports BadAddress.
    expect_error("agent_info into its own code", call(Syscall::AgentInfo, agent, reinterpret_cast<uint64_t>(&numbers)), Error::BadAddress);
    expect_error("agent_info into read-only data", call(Syscall::AgentInfo, agent, reinterpret_cast<uint64_t>(s_text)), Error::BadAddress);
    expect_error("agent_info straddling the top of the stack", call(Syscall::AgentInfo, agent, stack_top() - 8), Error::BadAddress);
}

void clock_and_yield()
{
    int64_t first = call(Syscall::ClockNow);
    expect("yield", call(Syscall::Yield), 0);
    int64_t second = call(Syscall::ClockNow);
    expect_true("clock_now is positive", first > 0);
    expect_true("clock_now does not go backwards", second >= first);
}

// The register contract: callee-saved registers survive a syscall, the clobbered argument
// registers come back zeroed (no kernel value leaks), rcx/r11 hold the return rip/rflags.
void register_contract()
{
    uint64_t saved[6] = {};
    uint64_t clobbered[6] = {};
    uint64_t* saved_pointer = saved;
    uint64_t* clobbered_pointer = clobbered;
    // Every general register but rbp and rsp is in play, so the output pointers come from
    // memory operands and are loaded only after the syscall.
    asm volatile(
        "movq $0x1111111111111111, %%rbx\n"
        "movq $0x2222222222222222, %%r12\n"
        "movq $0x3333333333333333, %%r13\n"
        "movq $0x4444444444444444, %%r14\n"
        "movq $0x5555555555555555, %%r15\n"
        "movq $0x7777, %%rdi\n movq $0x7777, %%rsi\n movq $0x7777, %%rdx\n"
        "movq $0x7777, %%r10\n movq $0x7777, %%r8\n movq $0x7777, %%r9\n"
        "xorl %%eax, %%eax\n"
        "syscall\n"
        "movq %%rax, %%rcx\n"
        "movq %[saved], %%rax\n"
        "movq %%rbx, 0(%%rax)\n movq %%r12, 8(%%rax)\n movq %%r13, 16(%%rax)\n"
        "movq %%r14, 24(%%rax)\n movq %%r15, 32(%%rax)\n movq %%rcx, 40(%%rax)\n"
        "movq %[clobbered], %%rax\n"
        "movq %%rdi, 0(%%rax)\n movq %%rsi, 8(%%rax)\n movq %%rdx, 16(%%rax)\n"
        "movq %%r10, 24(%%rax)\n movq %%r8, 32(%%rax)\n movq %%r9, 40(%%rax)\n"
        :
        : [saved] "m"(saved_pointer), [clobbered] "m"(clobbered_pointer)
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "memory");
    expect_true("rbx survives", saved[0] == 0x1111111111111111);
    expect_true("r12 survives", saved[1] == 0x2222222222222222);
    expect_true("r13 survives", saved[2] == 0x3333333333333333);
    expect_true("r14 survives", saved[3] == 0x4444444444444444);
    expect_true("r15 survives", saved[4] == 0x5555555555555555);
    expect("null returns 0 in rax", static_cast<int64_t>(saved[5]), 0);
    for (uint64_t value : clobbered)
        expect("an argument register comes back zeroed", static_cast<int64_t>(value), 0);
}

gehri::abi::SpawnRequest good_request(const char* program = "bin/hello")
{
    gehri::abi::SpawnRequest request;
    request.program = reinterpret_cast<uint64_t>(program);
    request.program_length = gehri::StringView(program).length();
    request.memory_quota = 256 * 1024;
    return request;
}

int64_t spawn_with(gehri::HandleValue spawner, const gehri::abi::SpawnRequest& request)
{
    return call(Syscall::Spawn, spawner, reinterpret_cast<uint64_t>(&request));
}

// Spawn, Kill, WaitChild. The tests start this agent with the Spawn right and a 4 MiB quota.
void lifecycle(gehri::Agent& self)
{
    gehri::HandleValue agent = self.handle().value();
    gehri::HandleValue thread = self.thread_handle().value();
    auto request = good_request();
    const uint64_t bad_handles[] = { 0, 0xffffffff, 1ull << 32, ~0ull, agent ^ 0x1000 };
    for (uint64_t handle : bad_handles) {
        expect_error("spawn bad handle", call(Syscall::Spawn, handle, reinterpret_cast<uint64_t>(&request)), Error::BadHandle);
        expect_error("kill bad handle", call(Syscall::Kill, handle, 0), Error::BadHandle);
        expect_error("boot_file_read bad handle", call(Syscall::BootFileRead, handle, 0, 0, 0, 0, 0), Error::BadHandle);
        expect_error("agent_quarantine bad handle", call(Syscall::AgentQuarantine, handle, 1, 0, 0), Error::BadHandle);
    }
    expect_error("spawn through a thread handle", spawn_with(thread, request), Error::WrongObjectType);
    expect_error("agent_quarantine through a thread handle", call(Syscall::AgentQuarantine, thread, 1, 0, 0), Error::WrongObjectType);
    expect_error("agent_quarantine without the Quarantine right (its own handle)", call(Syscall::AgentQuarantine, agent, 1, 0, 0), Error::AccessDenied);
    int64_t no_spawn = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read));
    expect_error("spawn without the Spawn right", spawn_with(no_spawn, request), Error::AccessDenied);
    expect_error("boot_file_read without the Spawn right", call(Syscall::BootFileRead, no_spawn, 0, 0, 0, 0, 0), Error::AccessDenied);
    expect_error("kill without the Kill right (its own handle)", call(Syscall::Kill, agent, 0), Error::AccessDenied);
    call(Syscall::HandleClose, no_spawn);

    expect_error("spawn request null", call(Syscall::Spawn, agent, 0), Error::BadAddress);
    expect_error("spawn request unmapped", call(Syscall::Spawn, agent, unmapped), Error::BadAddress);
    expect_error("spawn request in the kernel", call(Syscall::Spawn, agent, kernel_address), Error::BadAddress);
    expect_error("spawn request across the end", call(Syscall::Spawn, agent, last_user_bytes), Error::BadAddress);
    auto bad = request;
    bad.bootstrap_handle = 0x7fffffff;
    expect_error("spawn with a bootstrap handle that is not live", spawn_with(agent, bad), Error::BadHandle);
    bad = request;
    bad.flags = 4;
    expect_error("spawn unknown flag", spawn_with(agent, bad), Error::InvalidArgument);
    bad.flags = static_cast<uint32_t>(gehri::abi::SpawnFlags::Display);
    expect_error("spawn granting Display without holding it", spawn_with(agent, bad), Error::AccessDenied);
    bad = request;
    bad.priority_class = 4;
    expect_error("spawn class 4", spawn_with(agent, bad), Error::InvalidArgument);
    bad = request;
    bad.weight = 0;
    expect_error("spawn weight 0", spawn_with(agent, bad), Error::InvalidArgument);
    bad.weight = (1u << 20) + 1;
    expect_error("spawn weight above 2^20", spawn_with(agent, bad), Error::InvalidArgument);
    bad = request;
    bad.memory_quota = 4097;
    expect_error("spawn quota not a page multiple", spawn_with(agent, bad), Error::InvalidArgument);
    bad = request;
    bad.handle_capacity = 32769;
    expect_error("spawn with a handle table above 32768", spawn_with(agent, bad), Error::InvalidArgument);
    bad = request;
    bad.grant_count = gehri::abi::max_capability_grants + 1;
    expect_error("spawn with too many grants", spawn_with(agent, bad), Error::InvalidArgument);
    bad.grant_count = 1;
    bad.grants = kernel_address;
    expect_error("spawn grants in the kernel", spawn_with(agent, bad), Error::BadAddress);
    bad = request;
    bad.program = kernel_address;
    expect_error("spawn program in the kernel", spawn_with(agent, bad), Error::BadAddress);
    bad.program = unmapped;
    expect_error("spawn program unmapped", spawn_with(agent, bad), Error::BadAddress);
    bad = request;
    bad.program_length = 129;
    expect_error("spawn program path too long", spawn_with(agent, bad), Error::InvalidArgument);
    bad.program_length = ~0ull;
    expect_error("spawn program length huge", spawn_with(agent, bad), Error::InvalidArgument);
    bad.program_length = 0;
    expect_error("spawn empty program", spawn_with(agent, bad), Error::InvalidArgument);
    bad = request;
    bad.name = reinterpret_cast<uint64_t>(s_text);
    bad.name_length = 32;
    expect_error("spawn name too long", spawn_with(agent, bad), Error::InvalidArgument);
    bad.name = kernel_address;
    bad.name_length = 4;
    expect_error("spawn name in the kernel", spawn_with(agent, bad), Error::BadAddress);
    auto missing = good_request("bin/no-such-agent");
    expect_error("spawn a program that is not there", spawn_with(agent, missing), Error::NotFound);
    auto not_elf = good_request("etc/swarm.manifest");
    expect_error("spawn a file that is not a program", spawn_with(agent, not_elf), Error::BadFormat);
    bad = request;
    bad.memory_quota = 1ull << 40;
    expect_error("spawn a child with more quota than the parent has", spawn_with(agent, bad), Error::QuotaExceeded);
    bad.memory_quota = 4096;
    expect_error("spawn a child whose program does not fit its quota", spawn_with(agent, bad), Error::QuotaExceeded);

    gehri::abi::ChildExit report;
    expect_error("wait_child with no child", call(Syscall::WaitChild, 0, reinterpret_cast<uint64_t>(&report)), Error::NotFound);
    int64_t child = spawn_with(agent, request);
    expect_true("spawn hello", child > 0);
    expect_error("kill with a 40-bit status", call(Syscall::Kill, child, 1ull << 40), Error::InvalidArgument);
    // Refused before the child is looked at, so whether it has ended yet does not matter.
    expect_error("agent_quarantine on = 2", call(Syscall::AgentQuarantine, child, 2, 0, 0), Error::InvalidArgument);
    expect_error("agent_quarantine reason too long", call(Syscall::AgentQuarantine, child, 1, reinterpret_cast<uint64_t>(s_text), gehri::abi::agent_quarantine_max_reason + 1), Error::InvalidArgument);
    expect_error("agent_quarantine reason in the kernel", call(Syscall::AgentQuarantine, child, 1, kernel_address, 4), Error::BadAddress);
    expect_error("agent_quarantine reason unmapped", call(Syscall::AgentQuarantine, child, 1, unmapped, 4), Error::BadAddress);
    expect_error("agent_quarantine reason across the end", call(Syscall::AgentQuarantine, child, 1, last_user_bytes, 64), Error::BadAddress);
    expect_error("wait_child out null", call(Syscall::WaitChild, gehri::abi::wait_forever, 0), Error::BadAddress);
    expect_error("wait_child out in the kernel", call(Syscall::WaitChild, gehri::abi::wait_forever, kernel_address), Error::BadAddress);
    expect_error("wait_child out across the end", call(Syscall::WaitChild, gehri::abi::wait_forever, last_user_bytes), Error::BadAddress);
    expect("wait_child good", call(Syscall::WaitChild, gehri::abi::wait_forever, reinterpret_cast<uint64_t>(&report)), 0);
    gehri::abi::AgentInfo info;
    expect("agent_info of the child", call(Syscall::AgentInfo, child, reinterpret_cast<uint64_t>(&info)), 0);
    expect("wait_child names the child", static_cast<int64_t>(report.id), static_cast<int64_t>(info.id));
    expect("the child exited with 0", report.info.status, 0);
    expect_error("kill a child that has ended", call(Syscall::Kill, child, 0), Error::NotFound);
    expect_error("quarantine a child that has ended", call(Syscall::AgentQuarantine, child, 1, 0, 0), Error::NotFound);
    expect_error("lift a quarantine of a child that has ended", call(Syscall::AgentQuarantine, child, 0, 0, 0), Error::NotFound);
    expect_error("wait_child when every child is reported", call(Syscall::WaitChild, 0, reinterpret_cast<uint64_t>(&report)), Error::NotFound);
    expect("close the child's handle", call(Syscall::HandleClose, child), 0);
}

volatile uint64_t s_thread_ran = 0;

void thread_body(uint64_t value)
{
    s_thread_ran = value;
    gehri::system::thread_exit();
}

// MemoryMap, MemoryUnmap, ThreadCreate, Sleep, BootFileRead.
void memory_and_threads(gehri::Agent& self)
{
    using gehri::abi::MemoryFlags;
    expect_error("map length 0", call(Syscall::MemoryMap, 0, 1), Error::InvalidArgument);
    expect_error("map length not a page multiple", call(Syscall::MemoryMap, 4097, 1), Error::InvalidArgument);
    expect_error("map unknown flags", call(Syscall::MemoryMap, 4096, 4), Error::InvalidArgument);
    expect_error("map huge length", call(Syscall::MemoryMap, 1ull << 62, 1), Error::InvalidArgument);
    expect_error("map more than the quota", call(Syscall::MemoryMap, 64ull << 20, 1), Error::QuotaExceeded);
    int64_t region = call(Syscall::MemoryMap, 64 * 1024, static_cast<uint64_t>(MemoryFlags::Write));
    expect_true("map 64 KiB", region > 0);
    if (region > 0) {
        auto* bytes = reinterpret_cast<volatile uint8_t*>(region);
        expect("demand-zero memory reads 0", bytes[5000], 0);
        bytes[5000] = 42;
        bytes[65535] = 7;
        expect("and keeps what is written", bytes[5000] + bytes[65535], 49);
        gehri::abi::AgentInfo info;
        call(Syscall::AgentInfo, self.handle().value(), reinterpret_cast<uint64_t>(&info));
        expect_true("touched pages count as resident", info.memory_resident >= 2 * 4096 && info.memory_committed >= 64 * 1024);
        expect("the kernel copies into demand-zero memory", call(Syscall::AgentInfo, self.handle().value(), region + 8192), 0);
        expect_error("unmap a part of the region", call(Syscall::MemoryUnmap, region, 4096), Error::NotFound);
        expect_error("unmap misaligned", call(Syscall::MemoryUnmap, region + 1, 64 * 1024), Error::InvalidArgument);
        expect_error("unmap length 0", call(Syscall::MemoryUnmap, region, 0), Error::InvalidArgument);
        expect_error("unmap the program", call(Syscall::MemoryUnmap, 0x400000, 4096), Error::InvalidArgument);
        expect_error("unmap the stack", call(Syscall::MemoryUnmap, stack_top() - 4096, 4096), Error::InvalidArgument);
        expect_error("unmap kernel memory", call(Syscall::MemoryUnmap, kernel_address, 4096), Error::InvalidArgument);
        expect("unmap the region", call(Syscall::MemoryUnmap, region, 64 * 1024), 0);
        expect_error("unmap it again", call(Syscall::MemoryUnmap, region, 64 * 1024), Error::NotFound);
    }
    int64_t read_only = call(Syscall::MemoryMap, 4096, static_cast<uint64_t>(MemoryFlags::Read));
    expect_error("the kernel does not write read-only memory", call(Syscall::AgentInfo, self.handle().value(), read_only), Error::BadAddress);
    expect("unmap the read-only region", call(Syscall::MemoryUnmap, read_only, 4096), 0);

    expect_error("thread_create entry 0", call(Syscall::ThreadCreate, 0, 0, 0, 0), Error::BadAddress);
    expect_error("thread_create entry in the kernel", call(Syscall::ThreadCreate, kernel_address, 0, 0, 0), Error::BadAddress);
    expect_error("thread_create stack too large", call(Syscall::ThreadCreate, reinterpret_cast<uint64_t>(&thread_body), 0, 9ull << 20, 0),
        Error::InvalidArgument);
    int64_t thread = call(Syscall::ThreadCreate, reinterpret_cast<uint64_t>(&thread_body), 77, 0, 0);
    expect_true("thread_create good", thread > 0);
    gehri::abi::ExitInfo exit_info;
    expect("wait for the thread", call(Syscall::Wait, thread, gehri::abi::wait_forever, reinterpret_cast<uint64_t>(&exit_info)), 0);
    expect("the thread ran", static_cast<int64_t>(s_thread_ran), 77);
    expect("close the thread's handle", call(Syscall::HandleClose, thread), 0);

    expect("sleep 0", call(Syscall::Sleep, 0), 0);
    expect("sleep 1 ms", call(Syscall::Sleep, 1'000'000), 0);

    gehri::HandleValue agent = self.handle().value();
    const char path[] = "etc/swarm.manifest";
    char buffer[64];
    auto read = [&](uint64_t path_pointer, uint64_t path_length, uint64_t offset, uint64_t out, uint64_t length) {
        return call(Syscall::BootFileRead, agent, path_pointer, path_length, offset, out, length);
    };
    auto path_address = reinterpret_cast<uint64_t>(path);
    auto buffer_address = reinterpret_cast<uint64_t>(buffer);
    expect("boot_file_read good", read(path_address, sizeof(path) - 1, 0, buffer_address, sizeof(buffer)), sizeof(buffer));
    expect("boot_file_read past the end", read(path_address, sizeof(path) - 1, 1ull << 40, buffer_address, sizeof(buffer)), 0);
    expect_error("boot_file_read path unmapped", read(unmapped, 8, 0, buffer_address, 8), Error::BadAddress);
    expect_error("boot_file_read path too long", read(path_address, 4096, 0, buffer_address, 8), Error::InvalidArgument);
    expect_error("boot_file_read missing file", read(path_address, 5, 0, buffer_address, 8), Error::NotFound);
    expect_error("boot_file_read into the kernel", read(path_address, sizeof(path) - 1, 0, kernel_address, 8), Error::BadAddress);
    expect_error("boot_file_read into its own code", read(path_address, sizeof(path) - 1, 0, reinterpret_cast<uint64_t>(&numbers), 8),
        Error::BadAddress);
    expect_error("boot_file_read length across the end", read(path_address, sizeof(path) - 1, 0, last_user_bytes, 64), Error::BadAddress);
}

} // namespace

// ChannelCall (write, then read the answer): every bad handle, pointer, length and missing
// right is refused before the request is sent.
void channel_call(gehri::Agent& self)
{
    gehri::HandleValue ends[2];
    if (gehri::system::channel_create(ends).is_error()) {
        expect_true("channel_create for channel_call", false);
        return;
    }
    uint8_t buffer[64] {};
    gehri::abi::ReadInfo io { .timeout_ns = 0 };
    auto bytes = reinterpret_cast<uint64_t>(buffer);
    auto info = reinterpret_cast<uint64_t>(&io);
    const uint64_t bad_handles[] = { 0, 0xffffffff, 1ull << 32, ~0ull, ends[0] ^ 0x1000 };
    for (uint64_t handle : bad_handles)
        expect_error("channel_call bad handle", call(Syscall::ChannelCall, handle, bytes, 8, bytes, 64, info), Error::BadHandle);
    expect_error("channel_call on an agent", call(Syscall::ChannelCall, self.handle().value(), bytes, 8, bytes, 64, info), Error::WrongObjectType);
    const uint64_t bad_addresses[] = { kernel_address, non_canonical, unmapped, 1ull << 63 };
    for (uint64_t address : bad_addresses) {
        expect_error("channel_call bad request", call(Syscall::ChannelCall, ends[0], address, 8, bytes, 64, info), Error::BadAddress);
        expect_error("channel_call bad info block", call(Syscall::ChannelCall, ends[0], bytes, 8, bytes, 64, address), Error::BadAddress);
        // A reply buffer outside user space is refused up front; one in user space but unmapped
        // only faults when the answer is copied (below), as with ChannelRead.
        if (address != unmapped)
            expect_error("channel_call bad reply buffer", call(Syscall::ChannelCall, ends[0], bytes, 8, address, 64, info), Error::BadAddress);
    }
    expect_error("channel_call request across the end of user space", call(Syscall::ChannelCall, ends[0], last_user_bytes, 32, bytes, 64, info), Error::BadAddress);
    expect_error("channel_call reply buffer across the end of user space", call(Syscall::ChannelCall, ends[0], bytes, 8, last_user_bytes, 32, info), Error::BadAddress);
    expect_error("channel_call huge request", call(Syscall::ChannelCall, ends[0], bytes, ~0ull, bytes, 64, info), Error::TooLarge);
    expect_error("channel_call request over 64 KiB", call(Syscall::ChannelCall, ends[0], bytes, gehri::abi::max_message_bytes + 1, bytes, 64, info), Error::TooLarge);
    int64_t read_only = call(Syscall::HandleDuplicate, ends[0], static_cast<uint64_t>(Rights::Read));
    int64_t write_only = call(Syscall::HandleDuplicate, ends[0], static_cast<uint64_t>(Rights::Write));
    expect_error("channel_call without Write", call(Syscall::ChannelCall, read_only, bytes, 8, bytes, 64, info), Error::AccessDenied);
    expect_error("channel_call without Read", call(Syscall::ChannelCall, write_only, bytes, 8, bytes, 64, info), Error::AccessDenied);
    gehri::abi::ReadInfo peek { .timeout_ns = 0 };
    expect_error("refused calls sent nothing", call(Syscall::ChannelRead, ends[1], bytes, 64, 0, 0, reinterpret_cast<uint64_t>(&peek)), Error::WouldBlock);
    // A good call that polls: the request goes out, no answer is there yet.
    expect_error("channel_call polling", call(Syscall::ChannelCall, ends[0], bytes, 8, bytes, 64, info), Error::WouldBlock);
    expect("the polled call's request arrived", call(Syscall::ChannelRead, ends[1], bytes, 64, 0, 0, reinterpret_cast<uint64_t>(&peek)), 8);
    // An answer waiting for a call whose reply buffer is unmapped: the copy faults.
    expect("queue an answer", call(Syscall::ChannelWrite, ends[1], bytes, 8, 0, 0), 0);
    expect_error("channel_call into an unmapped reply buffer", call(Syscall::ChannelCall, ends[0], bytes, 8, unmapped, 64, info), Error::BadAddress);
    expect("that call's request arrived", call(Syscall::ChannelRead, ends[1], bytes, 64, 0, 0, reinterpret_cast<uint64_t>(&peek)), 8);
    expect("close the read-only end", call(Syscall::HandleClose, read_only), 0);
    expect("close the write-only end", call(Syscall::HandleClose, write_only), 0);
    expect("close the far end", call(Syscall::HandleClose, ends[1]), 0);
    io.timeout_ns = 1'000'000;
    expect_error("channel_call to a closed peer", call(Syscall::ChannelCall, ends[0], bytes, 8, bytes, 64, info), Error::PeerClosed);
    expect("close the near end", call(Syscall::HandleClose, ends[0]), 0);
}

// ProposalOpen's Given weights and flags, ProposalResult's counts, ProposalClose (ABI 11).
void proposals(gehri::Agent& self)
{
    using gehri::abi::ProposalRequest;
    uint64_t agent = self.handle().value();
    uint64_t me = self.id();
    ProposalRequest request;
    __builtin_memcpy(request.kind, "bad-args", 8);
    __builtin_memcpy(request.options[0], "no", 2);
    __builtin_memcpy(request.options[1], "yes", 3);
    request.option_count = 2;
    request.voting_period_ns = 30'000'000'000;
    request.electorate = reinterpret_cast<uint64_t>(&me);
    request.electorate_count = 1;
    uint64_t weight = 7;
    auto open = [&] { return call(Syscall::ProposalOpen, agent, reinterpret_cast<uint64_t>(&request)); };
    request.weighting = static_cast<uint32_t>(gehri::abi::ProposalWeighting::Given);
    expect_error("proposal_open Given without weights", open(), Error::InvalidArgument);
    request.weights = kernel_address;
    expect_error("proposal_open weights in kernel memory", open(), Error::BadAddress);
    request.weights = unmapped;
    expect_error("proposal_open weights unmapped", open(), Error::BadAddress);
    request.weighting = 0;
    request.weights = reinterpret_cast<uint64_t>(&weight);
    expect_error("proposal_open weights without Given", open(), Error::InvalidArgument);
    request.weighting = 3;
    expect_error("proposal_open an unknown weighting", open(), Error::InvalidArgument);
    request.weighting = static_cast<uint32_t>(gehri::abi::ProposalWeighting::Given);
    request.flags = 2;
    expect_error("proposal_open an unknown flag", open(), Error::InvalidArgument);
    request.flags = 0;
    request.electorate_count = gehri::abi::proposal_max_electorate + 1;
    expect_error("proposal_open past the largest electorate", open(), Error::InvalidArgument);
    request.electorate_count = 2; // the second id and weight lie past `me` and `weight` on the stack
    request.electorate = last_user_bytes;
    expect_error("proposal_open electorate across the end of user space", open(), Error::BadAddress);
    request.electorate = reinterpret_cast<uint64_t>(&me);
    request.electorate_count = 1;
    int64_t id = open();
    expect_true("proposal_open with a given weight", id > 0);
    if (id <= 0)
        return;
    gehri::abi::ProposalStatus status;
    gehri::abi::ProposalCounts counts;
    auto result = [&](uint64_t proposal, uint64_t out, uint64_t tally) { return call(Syscall::ProposalResult, agent, proposal, out, tally); };
    auto status_address = reinterpret_cast<uint64_t>(&status);
    auto counts_address = reinterpret_cast<uint64_t>(&counts);
    const uint64_t bad_addresses[] = { kernel_address, non_canonical, 1ull << 63, last_user_bytes };
    for (uint64_t address : bad_addresses)
        expect_error("proposal_result bad counts", result(static_cast<uint64_t>(id), status_address, address), Error::BadAddress);
    expect_error("proposal_result unmapped counts", result(static_cast<uint64_t>(id), status_address, unmapped), Error::BadAddress);
    expect("proposal_result with counts", result(static_cast<uint64_t>(id), status_address, counts_address), 0);
    expect_true("the given weight is the electorate's", counts.electorate_weight == 7 && counts.electorate == 1 && counts.ballots == 0);
    int64_t read_only = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read | Rights::Vote));
    const uint64_t bad_handles[] = { 0, 0xffffffff, ~0ull, agent ^ 0x1000 };
    for (uint64_t handle : bad_handles)
        expect_error("proposal_close bad handle", call(Syscall::ProposalClose, handle, static_cast<uint64_t>(id)), Error::BadHandle);
    expect_error("proposal_close without Govern", call(Syscall::ProposalClose, static_cast<uint64_t>(read_only), static_cast<uint64_t>(id)), Error::AccessDenied);
    expect_error("proposal_close no proposal", call(Syscall::ProposalClose, agent, 0), Error::NotFound);
    expect_error("proposal_close an unknown one", call(Syscall::ProposalClose, agent, ~0ull), Error::NotFound);
    expect("proposal_vote with the weight", call(Syscall::ProposalVote, agent, static_cast<uint64_t>(id), 1), 0);
    // Its only elector has voted: settled, nothing left to close.
    expect("proposal_result settled", result(static_cast<uint64_t>(id), status_address, counts_address), 0);
    expect_true("decided for yes by 7", status.state == 2 && status.verdict == 0 && status.option == 1 && counts.option_weight[1] == 7);
    expect_error("proposal_close once settled", call(Syscall::ProposalClose, agent, static_cast<uint64_t>(id)), Error::TimedOut);
    call(Syscall::HandleClose, static_cast<uint64_t>(read_only));
}

int64_t open_award(gehri::abi::AuctionRequest request, gehri::HandleValue self)
{
    return call(Syscall::AuctionOpen, self, reinterpret_cast<uint64_t>(&request));
}

gehri::abi::AuctionRequest award_request(uint64_t units, uint32_t max_bids)
{
    gehri::abi::AuctionRequest request;
    request.effect = static_cast<uint32_t>(gehri::abi::AuctionEffect::Award);
    request.units = units;
    request.max_bids = max_bids;
    return request;
}

// Award auctions: the request's fields, the auctioneer's three calls on bad ids, pointers and
// rights, the order of open, bid, exclude, settle and read, and the per-agent limits.
void award_auctions(gehri::Agent& self)
{
    using gehri::abi::AuctionAward;
    gehri::HandleValue agent = self.handle().value();
    expect_error("award open, kernel pointer", call(Syscall::AuctionOpen, agent, kernel_address), Error::BadAddress);
    expect_error("award open, no max_bids", open_award(award_request(1, 0), agent), Error::InvalidArgument);
    expect_error("award open, max_bids too big", open_award(award_request(1, gehri::abi::auction_max_bids + 1), agent), Error::OutOfRange);
    expect_error("award open, 0 units", open_award(award_request(0, 4), agent), Error::InvalidArgument);
    auto priced = award_request(1, 4);
    priced.value = 1;
    expect_error("award open, a value", open_award(priced, agent), Error::InvalidArgument);
    auto reserved = award_request(1, 4);
    reserved.reserved = 1;
    expect_error("award open, reserved field", open_award(reserved, agent), Error::InvalidArgument);
    auto sized = award_request(1, 4);
    sized.effect = static_cast<uint32_t>(gehri::abi::AuctionEffect::SchedulingWeight);
    sized.value = 100;
    sized.term_ns = 1'000'000;
    sized.closes_in_ns = 1'000'000;
    expect_error("weight auction with max_bids", open_award(sized, agent), Error::InvalidArgument);

    int64_t auction = open_award(award_request(1, 2), agent);
    expect_true("award open", auction > 0);
    uint64_t id = static_cast<uint64_t>(auction);
    AuctionAward winners[2];
    uint64_t out = reinterpret_cast<uint64_t>(winners);
    const uint64_t bad_ids[] = { 0, 12345, id ^ (1ull << 20), id + 1 };
    for (uint64_t bad : bad_ids) {
        expect_error("settle bad auction", call(Syscall::AuctionSettle, agent, bad), Error::NotFound);
        expect_error("awards bad auction", call(Syscall::AuctionAwards, agent, bad, out, 2), Error::NotFound);
        expect_error("exclude bad auction", call(Syscall::AuctionExclude, agent, bad, self.id()), Error::NotFound);
    }
    expect_error("settle bad handle", call(Syscall::AuctionSettle, agent + 1, id), Error::BadHandle);
    int64_t wait_only = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Wait));
    int64_t read_only = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read));
    expect_error("settle without Govern", call(Syscall::AuctionSettle, read_only, id), Error::AccessDenied);
    expect_error("exclude without Govern", call(Syscall::AuctionExclude, read_only, id, self.id()), Error::AccessDenied);
    expect_error("awards without Read or Govern", call(Syscall::AuctionAwards, wait_only, id, out, 2), Error::AccessDenied);
    expect_error("awards while open", call(Syscall::AuctionAwards, agent, id, out, 2), Error::WouldBlock);

    expect_error("award bid 0", call(Syscall::AuctionBid, agent, id, 0), Error::InvalidArgument);
    expect("award bid", call(Syscall::AuctionBid, agent, id, 7), 0);
    expect_error("award bid twice", call(Syscall::AuctionBid, agent, id, 8), Error::AlreadyExists);
    expect("exclude the bidder", call(Syscall::AuctionExclude, agent, id, self.id()), 1);
    expect("exclude someone without a bid", call(Syscall::AuctionExclude, agent, id, self.id()), 0);
    expect("award bid again", call(Syscall::AuctionBid, agent, id, 9), 0);
    expect("settle", call(Syscall::AuctionSettle, agent, id), 1);
    expect_error("settle twice", call(Syscall::AuctionSettle, agent, id), Error::TimedOut);
    expect_error("bid after settle", call(Syscall::AuctionBid, agent, id, 10), Error::TimedOut);
    expect_error("exclude after settle", call(Syscall::AuctionExclude, agent, id, self.id()), Error::TimedOut);
    expect_error("awards into a kernel address", call(Syscall::AuctionAwards, agent, id, kernel_address, 2), Error::BadAddress);
    expect_error("awards across the end of user space", call(Syscall::AuctionAwards, agent, id, last_user_bytes, 2), Error::BadAddress);
    expect_error("awards into unmapped memory", call(Syscall::AuctionAwards, agent, id, unmapped, 2), Error::BadAddress);
    expect_error("awards with no room", call(Syscall::AuctionAwards, agent, id, out, 0), Error::BufferTooSmall);
    expect("awards through a read-only handle", call(Syscall::AuctionAwards, read_only, id, out, 2), 1);
    expect_true("the winner is the bidder at its bid's score", winners[0].agent == self.id() && winners[0].price == 0);
    expect("close the read-only handle", call(Syscall::HandleClose, read_only), 0);
    expect("close the wait-only handle", call(Syscall::HandleClose, wait_only), 0);

    // At most 128 open at once; settling one makes room. (The rest are left open: the agent's
    // exit frees them, and unsettled they add no records to the kernel's audit log.)
    static uint64_t opened[gehri::abi::award_auctions_open_per_agent];
    size_t count = 0;
    int64_t result = 0;
    while (count <= gehri::abi::award_auctions_open_per_agent) {
        result = open_award(award_request(1, 1), agent);
        if (result < 0)
            break;
        opened[count++] = static_cast<uint64_t>(result);
    }
    expect_error("open award auctions past the limit", result, Error::QuotaExceeded);
    expect("as many as the limit", static_cast<int64_t>(count), gehri::abi::award_auctions_open_per_agent);
    expect("settle one (no bids, no winners)", call(Syscall::AuctionSettle, agent, opened[0]), 0);
    expect("its awards: none", call(Syscall::AuctionAwards, agent, opened[0], out, 2), 0);
    expect_true("room for one more", open_award(award_request(1, 1), agent) > 0);
    expect("the first auction is still kept", call(Syscall::AuctionAwards, agent, id, out, 2), 1);
}

// Reputation domains: the request's limits, handles, rights, peer indexes and pointers.
void reputation_domains(gehri::Agent& self)
{
    using gehri::abi::DomainRating;
    using gehri::abi::QuarantinePolicy;
    using gehri::abi::ReputationDomainRequest;
    gehri::HandleValue agent = self.handle().value();
    ReputationDomainRequest request;
    request.peers = 4;
    request.feedback_slots = 64;
    request.pretrusted_count = 1;
    request.pretrusted[0] = 3;
    auto create = [&](const ReputationDomainRequest& r) { return call(Syscall::ReputationDomainCreate, agent, reinterpret_cast<uint64_t>(&r)); };
    expect_error("domain create, request in the kernel", call(Syscall::ReputationDomainCreate, agent, kernel_address), Error::BadAddress);
    expect_error("domain create, request unmapped", call(Syscall::ReputationDomainCreate, agent, unmapped), Error::BadAddress);
    expect_error("domain create, bad handle", call(Syscall::ReputationDomainCreate, 0x7fffffff, reinterpret_cast<uint64_t>(&request)), Error::BadHandle);
    auto bad = request;
    bad.peers = 0;
    expect_error("domain create, no peers", create(bad), Error::InvalidArgument);
    bad = request;
    bad.peers = gehri::abi::reputation_domain_max_peers + 1;
    expect_error("domain create, too many peers", create(bad), Error::InvalidArgument);
    bad = request;
    bad.feedback_slots = 100;
    expect_error("domain create, slots not a power of two", create(bad), Error::InvalidArgument);
    bad = request;
    bad.feedback_slots = gehri::abi::reputation_domain_max_feedback_slots * 2;
    expect_error("domain create, too many slots", create(bad), Error::InvalidArgument);
    bad = request;
    bad.pretrusted[0] = 4;
    expect_error("domain create, pre-trusted peer out of range", create(bad), Error::InvalidArgument);
    bad = request;
    bad.reserved = 1;
    expect_error("domain create, reserved field", create(bad), Error::InvalidArgument);
    int64_t no_govern = call(Syscall::HandleDuplicate, agent, static_cast<uint64_t>(Rights::Read));
    expect_error("domain create without Govern", call(Syscall::ReputationDomainCreate, no_govern, reinterpret_cast<uint64_t>(&request)), Error::AccessDenied);
    call(Syscall::HandleClose, no_govern);

    int64_t domain = create(request);
    expect_true("domain create", domain > 0);
    const DomainRating good[] = { { 0, 1, 1, 0 }, { 3, 2, 0, 1 }, { 1, 1, 1, 0 } };
    expect("domain rate, stops at the self-rating", call(Syscall::ReputationDomainRate, domain, reinterpret_cast<uint64_t>(good), 3), 2);
    expect_error("domain rate, a self-rating first", call(Syscall::ReputationDomainRate, domain, reinterpret_cast<uint64_t>(good + 2), 1), Error::InvalidArgument);
    const DomainRating outside[] = { { 0, 4, 1, 0 } };
    expect_error("domain rate, peer out of range", call(Syscall::ReputationDomainRate, domain, reinterpret_cast<uint64_t>(outside), 1), Error::OutOfRange);
    expect_error("domain rate, ratings in the kernel", call(Syscall::ReputationDomainRate, domain, kernel_address, 1), Error::BadAddress);
    expect_error("domain rate, ratings unmapped", call(Syscall::ReputationDomainRate, domain, unmapped, 1), Error::BadAddress);
    expect_error("domain rate, too many", call(Syscall::ReputationDomainRate, domain, reinterpret_cast<uint64_t>(good), gehri::abi::reputation_domain_max_batch + 1), Error::InvalidArgument);
    expect_error("domain rate through an agent handle", call(Syscall::ReputationDomainRate, agent, reinterpret_cast<uint64_t>(good), 1), Error::WrongObjectType);
    expect_error("domain rate, bad handle", call(Syscall::ReputationDomainRate, 0x7fffffff, reinterpret_cast<uint64_t>(good), 1), Error::BadHandle);
    int64_t read_only = call(Syscall::HandleDuplicate, domain, static_cast<uint64_t>(Rights::Read));
    expect_error("domain rate without Rate", call(Syscall::ReputationDomainRate, read_only, reinterpret_cast<uint64_t>(good), 1), Error::AccessDenied);

    expect_error("domain bind its own handle (no Quarantine)", call(Syscall::ReputationDomainBind, domain, 0, agent), Error::AccessDenied);
    expect_error("domain bind a domain as the agent", call(Syscall::ReputationDomainBind, domain, 0, domain), Error::WrongObjectType);
    expect_error("domain bind without Govern", call(Syscall::ReputationDomainBind, read_only, 0, agent), Error::AccessDenied);

    QuarantinePolicy policy { 20'000, 0, 1 };
    static uint32_t peers[4];
    uint64_t out = reinterpret_cast<uint64_t>(peers);
    expect("domain judge", call(Syscall::ReputationDomainJudge, domain, 10, reinterpret_cast<uint64_t>(&policy), out, 4) >= 0 ? 0 : -1, 0);
    expect_error("domain judge, policy in the kernel", call(Syscall::ReputationDomainJudge, domain, 10, kernel_address, out, 4), Error::BadAddress);
    expect_error("domain judge, out in the kernel", call(Syscall::ReputationDomainJudge, domain, 10, reinterpret_cast<uint64_t>(&policy), kernel_address, 4), Error::BadAddress);
    expect_error("domain judge, out across the end", call(Syscall::ReputationDomainJudge, domain, 10, reinterpret_cast<uint64_t>(&policy), last_user_bytes, 4), Error::BadAddress);
    expect_error("domain judge, too many steps", call(Syscall::ReputationDomainJudge, domain, gehri::abi::reputation_domain_max_steps + 1, reinterpret_cast<uint64_t>(&policy), out, 4), Error::InvalidArgument);
    QuarantinePolicy reserved { 20'000, 1, 1 };
    expect_error("domain judge, reserved field", call(Syscall::ReputationDomainJudge, domain, 10, reinterpret_cast<uint64_t>(&reserved), out, 4), Error::InvalidArgument);
    expect_error("domain judge without Govern", call(Syscall::ReputationDomainJudge, read_only, 10, reinterpret_cast<uint64_t>(&policy), out, 4), Error::AccessDenied);

    static uint64_t trust[4];
    expect("domain trust through a read-only handle", call(Syscall::ReputationDomainTrust, read_only, 0, reinterpret_cast<uint64_t>(trust), 4), 4);
    expect_true("the pre-trusted peer has the most trust", trust[3] > trust[0] && trust[3] > trust[2]);
    expect_error("domain trust past the last peer", call(Syscall::ReputationDomainTrust, domain, 2, reinterpret_cast<uint64_t>(trust), 3), Error::OutOfRange);
    expect_error("domain trust into the kernel", call(Syscall::ReputationDomainTrust, domain, 0, kernel_address, 4), Error::BadAddress);
    expect_error("domain trust into unmapped memory", call(Syscall::ReputationDomainTrust, domain, 0, unmapped, 4), Error::BadAddress);
    expect("close the read-only domain handle", call(Syscall::HandleClose, read_only), 0);
    expect("close the domain", call(Syscall::HandleClose, domain), 0);
}

int main(gehri::Agent& self)
{
    numbers();
    debug_write();
    exit_arguments();
    handles(self);
    user_memory(self);
    clock_and_yield();
    register_contract();
    lifecycle(self);
    memory_and_threads(self);
    channel_call(self);
    proposals(self);
    award_auctions(self);
    reputation_domains(self);
    gehri::println("bad-syscalls: {} passed, {} failed", s_passed, s_failed);
    return s_failed;
}

// Agents end to end: programs from the initrd run in ring 3, call the kernel, fault, exit and
// are reaped. Run with gehri.test=agents (they are part of gehri.test=all too).
#include <kernel/agent/Reaper.h>
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/arch/x86_64/UserEntry.h>
#include <kernel/console/Console.h>
#include <kernel/govern/Collective.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/object/ChannelObject.h>
#include <kernel/object/SignalWait.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/syscall/UserCopy.h>
#include <kernel/loader/Elf64.h>
#include <kernel/log/History.h>
#include <kernel/tests/ConsoleDriver.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using abi::ExitInfo;
using abi::ExitReason;
using agent::SpawnedAgent;

constexpr uint64_t wait_budget = 30'000'000'000; // ns (the scheduler's clock)

uint64_t deadline() { return sched::kernel_scheduler().platform().now_ns() + wait_budget; }

// Kills `target` as the console's `kill` would (status -9) and expects it to end with that
// status; false if it did not end at all.
bool kill_and_expect_its_end(object::Agent& target)
{
    target.kill({ .reason = ExitReason::Killed, .status = -9 });
    auto info = target.wait_for_exit(deadline());
    EXPECT(info.is_ok());
    if (info.is_error())
        return false;
    EXPECT_EQ(info.value().reason, ExitReason::Killed);
    EXPECT_EQ(info.value().status, -9);
    return true;
}

// The options the bad-input agents get: the Spawn right, and a quota to spawn from.
constexpr uint64_t spawner_quota = 4 * 1024 * 1024;

Result<SpawnedAgent> spawn(StringView program, StringView name, uint64_t argument = 0, bool may_spawn = false)
{
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd: boot with the module 'initrd' (tools/make-iso --initrd)");
        return Error::NotFound;
    }
    auto path = FixedString<64>::formatted("bin/{}", program);
    Diagnostic diagnostic;
    agent::SpawnOptions options { .name = name, .argument = argument };
    if (may_spawn) {
        options.memory_quota = spawner_quota;
        options.may_spawn = true;
    }
    auto spawned = agent::spawn_agent_from_initrd(*initrd, path.view(), options, diagnostic);
    if (spawned.is_error())
        ktest::record_failure_formatted(__FILE__, __LINE__, "spawning {}: {}", program, diagnostic.message());
    return spawned;
}

// Runs one agent to its end; a zeroed ExitInfo with reason 0 if it could not start.
ExitInfo run(StringView program, StringView name, uint64_t argument = 0, bool may_spawn = false, uint64_t budget = wait_budget)
{
    auto spawned = spawn(program, name, argument, may_spawn);
    if (spawned.is_error())
        return { .reason = ExitReason(0) };
    auto info = spawned.value().agent->wait_for_exit(sched::kernel_scheduler().platform().now_ns() + budget);
    if (info.is_error()) {
        ktest::record_failure_formatted(__FILE__, __LINE__, "{} did not exit ({})", name, error_name(info.error()));
        return { .reason = ExitReason(0) };
    }
    return info.value();
}

// The reaper finishes an agent (drops the last kernel references) right after waking its
// waiters. It may run on another CPU, which a loaded host can stall: wait by the clock, not
// by a number of yields.
void let_the_reaper_finish(uint64_t reaped_target)
{
    auto& scheduler = sched::kernel_scheduler();
    uint64_t give_up = scheduler.platform().now_ns() + 10'000'000'000;
    while ((agent::reaped_thread_count() < reaped_target || agent::threads_awaiting_reaper() != 0) && scheduler.platform().now_ns() < give_up)
        scheduler.sleep_for(1'000'000);
    for (int i = 0; i < 10; ++i)
        scheduler.yield();
}

} // namespace

KERNEL_TEST(agents_hello_exits_with_status_0)
{
    ExitInfo info = run("hello", "hello");
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_bad_syscalls_get_exact_errors)
{
    // The agent checks every error code itself and exits with its failure count.
    ExitInfo info = run("bad-syscalls", "bad-syscalls", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_hostile_agent_cannot_cheat_the_collective)
{
    // agents/hostile: votes twice, bids beyond its credit, floods proposals, leases what policy
    // forbids, and has a child that crashes holding a lease; it checks every answer itself and
    // exits with its failure count.
    uint64_t denials_before = govern::policy_denials();
    ExitInfo info = run("hostile", "hostile", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
    EXPECT_EQ(govern::policy_denials(), denials_before + 1); // kernel:watchdog
}

KERNEL_TEST(agents_exit_status_reaches_the_waiter)
{
    // An unknown crash kind: the crasher says it is still alive and exits with 1.
    ExitInfo info = run("crasher", "crash-none", 99);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 1);
}

namespace {

struct CrashCase {
    uint64_t kind;
    const char* name;
    uint32_t vector;
};

// agents/crasher/Crasher.cpp numbers them the same way.
constexpr CrashCase crash_cases[] = {
    { 0, "crash-null", arch::exceptions::page_fault },
    { 1, "crash-privileged", arch::exceptions::general_protection },
    { 2, "crash-divide", arch::exceptions::divide_error },
    { 3, "crash-exec-kernel", arch::exceptions::page_fault },
    { 4, "crash-write-text", arch::exceptions::page_fault },
    { 5, "crash-read-kernel", arch::exceptions::page_fault },
    { 6, "crash-stack", arch::exceptions::page_fault },
    { 7, "crash-ud2", arch::exceptions::invalid_opcode },
    { 8, "crash-noncanonical", arch::exceptions::general_protection },
    { 9, "crash-unmap-under-reader", arch::exceptions::page_fault },
};

constexpr uint64_t kernel_text = 0xffffffff80100000;

// Where the crasher's first stack ends (Spawn.h's first_stack_top for its image).
uint64_t crasher_stack_top()
{
    Diagnostic diagnostic;
    auto file = agent::system_initrd()->file("bin/crasher");
    auto image = file.is_ok() ? loader::ElfImage::parse(file.value(), diagnostic) : Result<loader::ElfImage>(file.error());
    if (image.is_error())
        return 0;
    uint64_t image_end = 0;
    for (size_t i = 0; i < image.value().segment_count(); ++i)
        image_end = image.value().segment(i).page_end() > image_end ? image.value().segment(i).page_end() : image_end;
    return agent::first_stack_top(image_end, agent::default_user_stack_size);
}

void check_fault_details(const CrashCase& crash, const ExitInfo& info)
{
    using namespace arch::page_fault_error;
    uint64_t code = info.fault_error_code;
    EXPECT((info.fault_ip >= 0x400000 && info.fault_ip < 0x500000) || crash.kind == 3);
    switch (crash.kind) {
    case 0:
        EXPECT_EQ(info.fault_address, 0u);
        EXPECT_EQ(code & (present | write | user | instruction_fetch), user);
        break;
    case 3:
        EXPECT_EQ(info.fault_address, kernel_text);
        EXPECT_EQ(info.fault_ip, kernel_text);
        EXPECT_EQ(code & (user | instruction_fetch), user | instruction_fetch);
        break;
    case 4:
        // The crasher writes to its own entry point, in its read-only text at 0x400000.
        EXPECT_EQ(info.fault_address, 0x400000u);
        EXPECT_EQ(code & (present | write | user), present | write | user);
        break;
    case 5:
        EXPECT_EQ(info.fault_address, kernel_text);
        EXPECT_EQ(code & (write | user | instruction_fetch), user);
        break;
    case 6: {
        // Into the guard page under the stack (right above the crasher's pages).
        uint64_t guard = crasher_stack_top() - agent::default_user_stack_size - mm::page_size;
        EXPECT(info.fault_address >= guard && info.fault_address < guard + mm::page_size);
        EXPECT_EQ(code & (present | write | user), write | user);
        break;
    }
    case 9:
        // The reader thread's read of the page its sibling unmapped (MemoryMap's area).
        EXPECT(info.fault_address >= 0x0000100000000000 && info.fault_address < 0x00007e0000000000);
        EXPECT_EQ(code & (present | write | user), user);
        break;
    default:
        EXPECT_EQ(info.fault_address, 0u);
        break;
    }
}

} // namespace

KERNEL_TEST(agents_faults_kill_only_the_agent)
{
    uint64_t free_before = mm::PhysicalMemory::the().free_pages();
    for (const CrashCase& crash : crash_cases) {
        ExitInfo info = run("crasher", crash.name, crash.kind);
        EXPECT_EQ(info.reason, ExitReason::Faulted);
        EXPECT_EQ(info.fault_vector, crash.vector);
        check_fault_details(crash, info);
        if (info.reason != ExitReason::Faulted || info.fault_vector != crash.vector)
            console::print("    ({}: reason {} vector {})\n", crash.name, static_cast<uint32_t>(info.reason), info.fault_vector);
    }
    // The kernel is still fine: an agent runs normally after all that.
    ExitInfo after = run("hello", "hello-after-crashes");
    EXPECT_EQ(after.reason, ExitReason::Exited);
    EXPECT_EQ(after.status, 0);
    EXPECT(mm::PhysicalMemory::the().free_pages() + 64 >= free_before);
}

KERNEL_TEST(agents_fpu_registers_are_private)
{
    // Two agents fill every xmm register and MXCSR with their own values and yield to each
    // other 50 times; each checks its registers after every switch.
    auto first = spawn("fpu", "fpu-1", 1);
    auto second = spawn("fpu", "fpu-2", 2);
    if (first.is_error() || second.is_error())
        return;
    auto first_info = first.value().agent->wait_for_exit(deadline());
    auto second_info = second.value().agent->wait_for_exit(deadline());
    EXPECT(first_info.is_ok() && second_info.is_ok());
    if (first_info.is_error() || second_info.is_error())
        return;
    EXPECT_EQ(first_info.value().reason, ExitReason::Exited);
    EXPECT_EQ(first_info.value().status, 0);
    EXPECT_EQ(second_info.value().reason, ExitReason::Exited);
    EXPECT_EQ(second_info.value().status, 0);
}

KERNEL_TEST(agents_run_side_by_side)
{
    constexpr size_t count = 8;
    RefPtr<object::Agent> agents[count];
    for (size_t i = 0; i < count; ++i) {
        auto spawned = spawn("hello", "hello-crowd");
        if (spawned.is_error())
            return;
        agents[i] = spawned.value().agent;
    }
    for (size_t i = 0; i < count; ++i) {
        // Ids are handed out in order and never twice.
        if (i > 0)
            EXPECT(agents[i]->id() > agents[i - 1]->id());
        auto info = agents[i]->wait_for_exit(deadline());
        EXPECT(info.is_ok() && info.value().reason == ExitReason::Exited && info.value().status == 0);
        EXPECT(agents[i]->has_exited());
        EXPECT(agents[i]->memory().is_released());
    }
}

KERNEL_TEST(agents_leave_no_memory_behind)
{
    // Warm up once (first-use allocations such as heap slabs of new sizes, and the collective
    // services' tables, which bad-syscalls' proposal grows to their high-water mark), then measure.
    (void)run("hello", "hello-warmup");
    (void)run("bad-syscalls", "bad-syscalls-warmup", 0, true);
    let_the_reaper_finish(agent::reaped_thread_count());
    // Agents of earlier tests may still be on their way out on other CPUs (a loaded host slows
    // some vCPUs down): let every one be destroyed before counting.
    for (int i = 0; i < 2000 && object::Agent::live_count() != 0; ++i)
        sched::kernel_scheduler().sleep_for(1'000'000);
    let_the_reaper_finish(agent::reaped_thread_count());
    mm::Heap::the().release_empty_slabs();
    auto& memory = mm::PhysicalMemory::the();
    uint64_t free_before = memory.free_pages();
    size_t stacks_before = mm::KernelStack::live_count();
    size_t agents_before = object::Agent::live_count();
    uint64_t reaped_before = agent::reaped_thread_count();

    for (int i = 0; i < 3; ++i) {
        ExitInfo info = run("bad-syscalls", "bad-syscalls-leak", 0, true);
        EXPECT_EQ(info.status, 0);
        info = run("crasher", "crash-leak", 0);
        EXPECT_EQ(info.reason, ExitReason::Faulted);
    }
    // bad-syscalls runs a second thread and a child (hello) each time.
    let_the_reaper_finish(reaped_before + 12);
    for (int i = 0; i < 2000 && object::Agent::live_count() > agents_before; ++i)
        sched::kernel_scheduler().sleep_for(1'000'000);
    mm::Heap::the().release_empty_slabs();
    EXPECT_EQ(agent::reaped_thread_count(), reaped_before + 12);
    EXPECT_EQ(object::Agent::live_count(), agents_before);
    EXPECT_EQ(mm::KernelStack::live_count(), stacks_before);
    EXPECT_EQ(memory.free_pages(), free_before);
}

KERNEL_TEST(agents_spawn_refuses_what_it_cannot_run)
{
    Diagnostic diagnostic;
    const uint8_t garbage[] = { 0x7f, 'E', 'L', 'F', 1, 1, 1, 0 };
    auto spawned = agent::spawn_agent(ReadonlyBytes(garbage, sizeof(garbage)), { .name = "garbage" }, diagnostic);
    EXPECT(spawned.is_error());
    EXPECT(diagnostic.has_failed() && !diagnostic.message().is_empty());

    const boot::Initrd* initrd = agent::system_initrd();
    EXPECT(initrd != nullptr);
    if (initrd == nullptr)
        return;
    Diagnostic missing;
    auto absent = agent::spawn_agent_from_initrd(*initrd, "bin/no-such-agent", { .name = "absent" }, missing);
    EXPECT(absent.is_error() && absent.error() == Error::NotFound);

    Diagnostic huge_stack;
    auto file = initrd->file("bin/hello");
    EXPECT(file.is_ok());
    if (file.is_error())
        return;
    auto refused = agent::spawn_agent(file.value(), { .name = "huge-stack", .stack_size = agent::max_user_stack_size + 1 }, huge_stack);
    EXPECT(refused.is_error() && refused.error() == Error::InvalidArgument);
}

KERNEL_TEST(agents_handles_to_real_objects)
{
    auto first = object::Agent::create("first");
    auto second = object::Agent::create("second");
    EXPECT(first.is_ok() && second.is_ok());
    if (first.is_error() || second.is_error())
        return;
    EXPECT(second.value()->id() > first.value()->id());
    auto& handles = first.value()->handles();
    HandleValue to_second = handles.add(second.value(), Rights::Read | Rights::Duplicate).release_value();
    EXPECT_EQ(handles.get_object_with_rights<object::Agent>(to_second, Rights::Read).value().get(), second.value().get());
    EXPECT_EQ(handles.get_object_with_rights<object::Thread>(to_second, Rights::Read).error(), Error::WrongObjectType);
    EXPECT_EQ(handles.get_object_with_rights<object::Agent>(to_second, Rights::Wait).error(), Error::AccessDenied);
    EXPECT_EQ(second.value()->reference_count(), 2u);
    EXPECT(handles.close(to_second).is_ok());
    EXPECT_EQ(second.value()->reference_count(), 1u);
}

namespace {

// SMEP and SMAP checks: the kernel touches a user page without the user-copy routines and
// must fault. The interceptor resumes by returning from the probe function (which faulted on
// its first instruction, so the stack holds just the return address).
struct Intercepted {
    uint64_t count;
    uint64_t error_code;
    uint64_t address;
};
Intercepted s_intercepted;

bool return_from_probe(arch::InterruptFrame& frame)
{
    if (frame.vector != arch::exceptions::page_fault)
        return false;
    ++s_intercepted.count;
    s_intercepted.error_code = frame.error_code;
    s_intercepted.address = arch::read_cr2();
    frame.rip = *reinterpret_cast<uint64_t*>(frame.rsp);
    frame.rsp += 8;
    frame.rax = 0xfa17;
    return true;
}

} // namespace

extern "C" uint64_t agents_test_read_byte(uint64_t address);
asm(R"(
    .text
    .global agents_test_read_byte
agents_test_read_byte:
    movzbq (%rdi), %rax
    ret
)");

KERNEL_TEST(agents_smep_and_smap_guard_the_kernel)
{
    auto features = arch::user_mode_features();
    auto space = agent::UserAddressSpace::create();
    EXPECT(space.is_ok());
    if (space.is_error())
        return;
    constexpr uint64_t code_page = 0x400000;
    constexpr uint64_t data_page = 0x401000;
    constexpr uint64_t read_only_page = 0x402000;
    auto& memory = *space.value();
    EXPECT(memory.map_region(code_page, code_page + mm::page_size, mm::PageFlags::None, [](uint64_t, uint8_t* bytes) { bytes[0] = 0xc3; }).is_ok()); // ret
    EXPECT(memory.map_region(data_page, data_page + mm::page_size, mm::PageFlags::Writable | mm::PageFlags::NoExecute, [](uint64_t, uint8_t* bytes) { bytes[0] = 42; }).is_ok());
    EXPECT(memory.map_zeroed_region(read_only_page, read_only_page + mm::page_size, mm::PageFlags::NoExecute).is_ok());

    memory.space().activate();
    s_intercepted = {};
    arch::set_exception_interceptor_for_testing(return_from_probe);
    uint64_t read = agents_test_read_byte(data_page);
    uint64_t executed = reinterpret_cast<uint64_t (*)()>(code_page)();
    arch::set_exception_interceptor_for_testing(nullptr);
    Intercepted seen = s_intercepted;

    // The sanctioned way works: copies in and out, and a write to a read-only user page is an
    // error (CR0.WP), not a silent write.
    uint8_t byte = 0;
    bool copied_in = copy_from_user(&byte, UserPointer<const void>(data_page), 1).is_ok();
    uint8_t value = 7;
    bool copied_out = copy_to_user(UserPointer<void>(data_page + 1), &value, 1).is_ok();
    uint8_t check = 0;
    (void)copy_from_user(&check, UserPointer<const void>(data_page + 1), 1);
    Error read_only_write = copy_to_user(UserPointer<void>(read_only_page), &value, 1).error();
    Error unmapped_read = copy_from_user(&byte, UserPointer<const void>(0x10000), 1).error();
    mm::AddressSpace::kernel().activate();

    EXPECT(features.smep && features.smap); // QEMU's -cpu max has both
    if (features.smap)
        EXPECT_EQ(read, 0xfa17u);
    if (features.smep)
        EXPECT_EQ(executed, 0xfa17u);
    EXPECT_EQ(seen.count, (features.smap ? 1u : 0u) + (features.smep ? 1u : 0u));
    EXPECT(copied_in && byte == 42);
    EXPECT(copied_out && check == 7);
    EXPECT_EQ(read_only_write, Error::BadAddress);
    EXPECT_EQ(unmapped_read, Error::BadAddress);
    // Out of user space altogether: refused without touching anything.
    EXPECT_EQ(copy_from_user(&byte, UserPointer<const void>(0xffffffff80000000), 1).error(), Error::BadAddress);
    EXPECT_EQ(copy_from_user(&byte, UserPointer<const void>(mm::user_space_end - 1), 2).error(), Error::BadAddress);
    EXPECT(copy_from_user(&byte, UserPointer<const void>(0), 0).is_ok());
}

KERNEL_TEST(agents_null_syscall_round_trip)
{
    // The bench agent measures null syscalls in TSC cycles and, with argument 1, exits with
    // the per-call figure. Under -icount shift=0 that is the instruction count.
    ExitInfo info = run("bench", "bench", 1);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT(info.status > 0);
    console::print("    null syscall round trip: {} TSC cycles\n", info.status);
    console::print("BENCH name=agents.null_syscall unit=tsc_cycles value={} iterations=1\n", info.status);
}

KERNEL_TEST(agents_ipc_channels_between_agents)
{
    // agents/pingpong: queue limits, bad input, rights, handle transfer, WaitMany, closed peers,
    // and the kernel-stamped sender, against a partner agent it spawns. Exit status: failures.
    ExitInfo info = run("pingpong", "pingpong", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_ipc_topics_between_agents)
{
    // agents/pubsub: names, rights, QoS (best effort drops, reliable back-pressure, latest
    // value), bad input, and a soak test: 4 publisher agents x 500 samples on a reliable topic
    // (two wait for the writable signal, two let the kernel wait for room), received == sent, in
    // order. Exit status: failures.
    ExitInfo info = run("pubsub", "pubsub", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_ipc_blackboard_between_agents)
{
    // agents/board: versions, CAS, deletes, watches (on a deleted key, on a prefix written by
    // another agent, overflow), quotas, rights, bad input. Exit status: failures.
    ExitInfo info = run("board", "board", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_ipc_shared_memory_between_agents)
{
    // agents/shm: a memory object mapped read-write by two agents with an SpscRing in it, a
    // read-only mapping whose write faults, quota, rights, bad sizes; event rights and bits, and
    // a consumer agent sleeping on an event while its ring is empty, woken by the producer's
    // signal (and the producer by its, when full). Exit status: failures.
    uint64_t free_before = mm::PhysicalMemory::the().free_pages();
    ExitInfo info = run("shm", "shm", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
    let_the_reaper_finish(agent::reaped_thread_count());
    // Every shared page went back (with some slack for the heap and page tables' caches).
    EXPECT(mm::PhysicalMemory::the().free_pages() + 64 >= free_before);
}

KERNEL_TEST(agents_ipc_persistent_wait_set)
{
    // agents/waitset: keys and signals, level-triggered reports, fair rotation, events, a
    // blocking wait woken by another thread, timeouts, refusals (rights, types, bad buffers,
    // quota), and the references the set holds. Exit status: failures.
    ExitInfo info = run("waitset", "waitset");
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
}

KERNEL_TEST(agents_ipc_channel_round_trip)
{
    // Two agents ping-ponging 64 bytes; the status is TSC cycles per round trip (instructions
    // under -icount shift=0).
    auto& scheduler = sched::kernel_scheduler();
    auto direct_switches = [&] {
        uint64_t total = 0;
        for (uint32_t cpu = 0; cpu < sched::max_cpus; ++cpu)
            total += scheduler.online_cpus().contains(cpu) ? scheduler.direct_switches(cpu) : 0;
        return total;
    };
    uint64_t switches_before = direct_switches();
    ExitInfo info = run("pingpong", "pingpong-bench", 2, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT(info.status > 0);
    // 2,100 calls each way: on one CPU (where the two agents must share it) nearly every one
    // takes ChannelCall's fast path, a direct switch (docs/ipc.md).
    if (scheduler.online_cpus().count() == 1)
        EXPECT(direct_switches() - switches_before >= 4000);
    console::print("    channel round trip (64 B, two agents): {} TSC cycles\n", info.status);
}

KERNEL_TEST(agents_spawn_latency)
{
    // Spawn: from the call to a running thread (ELF mapped, handles made, thread started), and
    // to the agent's exit having been reported (it runs, prints, exits and is reaped).
    constexpr int rounds = 20;
    uint64_t spawn_cycles = 0;
    uint64_t round_trip_cycles = 0;
    for (int i = 0; i < rounds; ++i) {
        uint64_t start = arch::read_timestamp_counter();
        auto spawned = spawn("hello", "hello-bench");
        uint64_t spawned_at = arch::read_timestamp_counter();
        if (spawned.is_error())
            return;
        auto info = spawned.value().agent->wait_for_exit(deadline());
        uint64_t ended_at = arch::read_timestamp_counter();
        EXPECT(info.is_ok() && info.value().status == 0);
        spawn_cycles += spawned_at - start;
        round_trip_cycles += ended_at - start;
    }
    console::print("BENCH name=agents.spawn unit=tsc_cycles value={} iterations={}\n", spawn_cycles / rounds, rounds);
    console::print("BENCH name=agents.spawn_to_exit unit=tsc_cycles value={} iterations={}\n", round_trip_cycles / rounds, rounds);
}

namespace {

struct KernelMemory {
    uint64_t free_pages;
    uint64_t heap_small;
    uint64_t heap_large;
    size_t stacks;
    size_t agents;
};

KernelMemory measure_kernel_memory()
{
    mm::Heap::the().release_empty_slabs();
    auto heap = mm::Heap::the().statistics();
    return { mm::PhysicalMemory::the().free_pages(), heap.small_allocations, heap.large_allocations, mm::KernelStack::live_count(),
        object::Agent::live_count() };
}

void expect_back_to(const KernelMemory& before)
{
    KernelMemory after = measure_kernel_memory();
    EXPECT_EQ(after.agents, before.agents);
    EXPECT_EQ(after.stacks, before.stacks);
    EXPECT_EQ(after.heap_small, before.heap_small);
    EXPECT_EQ(after.heap_large, before.heap_large);
    EXPECT_EQ(after.free_pages, before.free_pages);
    if (after.free_pages != before.free_pages || after.heap_small != before.heap_small)
        console::print("    (free pages {} -> {}, heap objects {} -> {})\n", before.free_pages, after.free_pages, before.heap_small, after.heap_small);
}

// Lets the reaper finish every thread that has exited so far (the count stops moving).
void settle()
{
    for (int round = 0; round < 50; ++round) {
        uint64_t reaped = agent::reaped_thread_count();
        for (int i = 0; i < 20; ++i)
            sched::kernel_scheduler().yield();
        sched::kernel_scheduler().sleep_for(1'000'000);
        if (agent::reaped_thread_count() == reaped && round > 2)
            return;
    }
}

} // namespace

KERNEL_TEST(agents_million_random_syscalls_leave_no_trace)
{
    // A short run first: first-use allocations (heap slabs of new sizes) are not leaks.
    (void)run("fuzz", "fuzz-warmup", 2000, true);
    settle();
    KernelMemory before = measure_kernel_memory();
    uint64_t started = arch::read_timestamp_counter();
    ExitInfo info = run("fuzz", "fuzz", 1'000'000, true, 2000'000'000'000ull);
    uint64_t cycles = arch::read_timestamp_counter() - started;
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
    settle();
    expect_back_to(before);
    console::print("    1,000,000 random syscalls in {} M TSC cycles\n", cycles / 1'000'000);
}

KERNEL_TEST(agents_quota_and_spawn_limits)
{
    // Once to warm up: more kernel stacks at once than ever before may need a new page table
    // for the stack area, which stays (not a leak).
    (void)run("quota", "quota-warmup", 0, true);
    settle();
    KernelMemory before = measure_kernel_memory();
    // The quota agent checks its own results and exits with its failure count.
    ExitInfo info = run("quota", "quota", 0, true);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, 0);
    settle();
    expect_back_to(before);
}

KERNEL_TEST(agents_kill_ends_a_sleeping_agent_and_tells_the_parent)
{
    auto spawned = spawn("ticker", "ticker-to-kill");
    if (spawned.is_error())
        return;
    auto& target = *spawned.value().agent;
    sched::kernel_scheduler().sleep_for(5'000'000);
    EXPECT(!target.has_exited());
    if (kill_and_expect_its_end(target))
        EXPECT(object::Agent::find(target.id()).get() == nullptr);
}

KERNEL_TEST(agents_kill_ends_a_channel_call)
{
    // pingpong argument 3 makes a ChannelCall on its bootstrap channel, whose other end the
    // test holds and never answers: the call waits until the kill ends it.
    auto pair = object::ChannelEndpointObject::create_pair();
    EXPECT(pair.is_ok());
    if (pair.is_error() || agent::system_initrd() == nullptr)
        return;
    agent::SpawnOptions options { .name = "pingpong-blocked-call", .argument = 3 };
    options.bootstrap = std::move(pair.value().second);
    options.bootstrap_rights = abi::channel_rights;
    Diagnostic diagnostic;
    auto spawned = agent::spawn_agent_from_initrd(*agent::system_initrd(), "bin/pingpong", options, diagnostic);
    EXPECT(spawned.is_ok());
    if (spawned.is_error())
        return;
    auto& target = *spawned.value().agent;
    auto& end = pair.value().first->endpoint();
    EXPECT(object::wait_for_signals(end.signal_source(), ipc::signal::readable, deadline(), nullptr).is_ok());
    ipc::Message request;
    EXPECT(end.read(request).is_ok());
    EXPECT_EQ(request.size(), 4u);
    sched::kernel_scheduler().sleep_for(5'000'000); // well inside its wait for the answer
    EXPECT(!target.has_exited());
    (void)kill_and_expect_its_end(target);
}

KERNEL_TEST(agents_kill_ends_a_call_parked_by_the_fast_path)
{
    // pingpong argument 4 spawns its partner, makes calls it answers with calls (so the partner
    // waits parked), then a call the partner takes but never answers: on one CPU that call
    // hands the CPU to the partner directly and the caller waits parked in its call queue,
    // registered nowhere else. The kill must still end it at once.
    if (agent::system_initrd() == nullptr)
        return;
    auto& scheduler = sched::kernel_scheduler();
    uint64_t switches_before = scheduler.direct_switches(0);
    Diagnostic diagnostic;
    agent::SpawnOptions options { .name = "pingpong-silent-call", .argument = 4, .may_spawn = true };
    auto spawned = agent::spawn_agent_from_initrd(*agent::system_initrd(), "bin/pingpong", options, diagnostic);
    EXPECT(spawned.is_ok());
    if (spawned.is_error())
        return;
    auto& target = *spawned.value().agent;
    sched::kernel_scheduler().sleep_for(50'000'000); // spawn, three round trips, the silent call
    EXPECT(!target.has_exited());
    if (scheduler.online_cpus().count() == 1)
        EXPECT(scheduler.direct_switches(0) - switches_before >= 4); // it went by the fast path
    (void)kill_and_expect_its_end(target);
}

namespace {

uint64_t cpu_time_of(const object::Agent& agent) { return agent.snapshot().cpu_time_ns; }

Result<agent::SpawnedAgent> spawn_spinner(StringView name, sched::PriorityClass priority_class)
{
    Diagnostic diagnostic;
    auto spawned = agent::spawn_agent_from_initrd(*agent::system_initrd(), "bin/spinner",
        { .name = name, .priority_class = priority_class }, diagnostic);
    if (spawned.is_error())
        ktest::record_failure_formatted(__FILE__, __LINE__, "spawning {}: {}", name, diagnostic.message());
    return spawned;
}

} // namespace

KERNEL_TEST(agents_emergency_spinners_leave_normal_its_share)
{
    // One Emergency agent spinning in ring 3 on every CPU, and one Normal agent spinning too.
    // Only timer preemption of user code lets anything else run; the bounded share
    // (docs/scheduler.md: Normal keeps 10% of every 100 ms window, minus a 2 ms grace and a
    // tick) must give the Normal agent CPU time all the same, and the Emergency agents most
    // of the machine.
    if (agent::system_initrd() == nullptr) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd");
        return;
    }
    constexpr uint32_t max_hogs = 8;
    uint32_t cpus = sched::kernel_scheduler().online_cpus().count();
    uint32_t hog_count = cpus < max_hogs ? cpus : max_hogs;
    RefPtr<object::Agent> hogs[max_hogs];
    for (uint32_t i = 0; i < hog_count; ++i) {
        auto spawned = spawn_spinner("spin-emergency", sched::PriorityClass::Emergency);
        if (spawned.is_ok())
            hogs[i] = spawned.value().agent;
    }
    auto normal = spawn_spinner("spin-normal", sched::PriorityClass::Normal);
    if (normal.is_ok()) {
        auto& scheduler = sched::kernel_scheduler();
        scheduler.sleep_for(50'000'000); // settle: the first window fills, the balancer spreads
        uint64_t start = scheduler.platform().now_ns();
        uint64_t normal_before = cpu_time_of(*normal.value().agent);
        uint64_t hogs_before = 0;
        for (uint32_t i = 0; i < hog_count; ++i)
            hogs_before += hogs[i] ? cpu_time_of(*hogs[i]) : 0;
        scheduler.sleep_for(500'000'000);
        uint64_t elapsed = scheduler.platform().now_ns() - start;
        uint64_t normal_ns = cpu_time_of(*normal.value().agent) - normal_before;
        uint64_t hogs_ns = 0;
        for (uint32_t i = 0; i < hog_count; ++i)
            hogs_ns += hogs[i] ? cpu_time_of(*hogs[i]) : 0;
        hogs_ns -= hogs_before;
        console::print("    {} Emergency spinners on {} CPUs: Normal spinner got {} ms, Emergency {} ms of {} ms x {} CPUs\n",
            hog_count, cpus, normal_ns / 1'000'000, hogs_ns / 1'000'000, elapsed / 1'000'000, cpus);
        // 10% less the grace would be ~8%; 4% leaves room for TCG's uneven vCPU progress.
        EXPECT(normal_ns >= elapsed / 25);
        EXPECT(hogs_ns >= elapsed * cpus / 2);
        // CPU time is in ns like the clock (TSC cycles would be several times more). A running
        // thread's time is charged at its CPU's ticks, and a vCPU the host stalls ticks late, so
        // the first reading may lag: hence a quarter of slack rather than a tick.
        EXPECT(normal_ns <= elapsed * 5 / 4);
        EXPECT(hogs_ns <= elapsed * cpus * 5 / 4);
    }
    // A kill reaches a thread that never makes a system call at its next interrupt.
    for (uint32_t i = 0; i < hog_count; ++i) {
        if (hogs[i])
            hogs[i]->kill({ .reason = ExitReason::Killed, .status = -9 });
    }
    if (normal.is_ok())
        normal.value().agent->kill({ .reason = ExitReason::Killed, .status = -9 });
    for (uint32_t i = 0; i < hog_count; ++i) {
        if (!hogs[i])
            continue;
        auto info = hogs[i]->wait_for_exit(deadline());
        EXPECT(info.is_ok() && info.value().reason == ExitReason::Killed);
    }
    if (normal.is_ok()) {
        auto info = normal.value().agent->wait_for_exit(deadline());
        EXPECT(info.is_ok() && info.value().reason == ExitReason::Killed);
    }
}

KERNEL_TEST(agents_supervisor_restarts_then_gives_up)
{
    // A supervision test agent: init itself, with a manifest whose crasher faults at once.
    auto spawned = spawn("init", "init-restart-test", 1, true);
    if (spawned.is_error())
        return;
    auto info = spawned.value().agent->wait_for_exit(deadline());
    EXPECT(info.is_ok() && info.value().reason == ExitReason::Exited && info.value().status == 0);
    char history[4096];
    BufferSink sink(history, sizeof(history));
    log::write_history(sink, 40);
    StringView text = sink.view();
    EXPECT(text.contains("restarting (one-for-one 3 of 3 within 10000 ms)"));
    EXPECT(text.contains("giving up on crasher: more than 3 restarts within 10000 ms"));
}

KERNEL_TEST(agents_ipc_init_grants_topic_namespaces)
{
    // init with manifests/topics-demo.manifest: the listener (subscribe only) gets the speaker's
    // (publish only) greeting through the namespace view init granted; each is refused the other
    // right and every topic outside its manifest patterns; the agent without a topic capability
    // has no namespace. Every agent exits 0.
    auto spawned = spawn("init", "init-topics-test", 2, true);
    if (spawned.is_error())
        return;
    auto info = spawned.value().agent->wait_for_exit(deadline());
    EXPECT(info.is_ok() && info.value().reason == ExitReason::Exited && info.value().status == 0);
    char history[4096];
    BufferSink sink(history, sizeof(history));
    log::write_history(sink, 30);
    StringView text = sink.view();
    EXPECT(text.contains("topic-demo: the listener got 'hello, swarm' from agent"));
    EXPECT(text.contains("topic-demo: demo-bystander has no namespace"));
    // The manifest's patterns are enforced by the kernel (TopicNamespaceRestrict).
    EXPECT(text.contains("topic-demo: the listener was refused the topics outside its patterns"));
    EXPECT(text.contains("topic-demo: the speaker was refused the topics outside its pattern, and could not widen it"));
    // init reports each replica's end (the kernel logs a clean exit at debug level only).
    auto line_with = [&](StringView first, StringView second) {
        for (size_t start = 0; start < text.length();) {
            size_t end = text.find('\n', start);
            if (end == StringView::npos)
                end = text.length();
            StringView line = text.substring(start, end - start);
            if (line.contains(first) && line.contains(second))
                return true;
            start = end + 1;
        }
        return false;
    };
    EXPECT(line_with("init: demo-listener replica 0 (agent", "exited with status 0"));
    EXPECT(line_with("init: demo-speaker replica 0 (agent", "exited with status 0"));
}

KERNEL_TEST(agents_console_commands_answer)
{
    ktest::ConsoleDriver console;
    EXPECT(console.run("help").starts_with("commands:"));
    EXPECT(console.run("ps").starts_with("ID     NAME"));
    EXPECT(console.run("kill 999999") == "kill: no running agent 999999\n");
    EXPECT(console.run("kill x") == "usage: kill ID [STATUS]\n");
    EXPECT(console.run("frobnicate") == "unknown command 'frobnicate' (try help)\n");
}

} // namespace gehri

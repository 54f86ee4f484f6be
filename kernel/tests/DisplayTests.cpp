// The display capability end to end: agents/display-demo takes the screen, draws, checks that
// a second acquire is Busy and that bad pointers are refused, and exits; the kernel must then
// have the screen back, with no memory left behind (the framebuffer's frames are the device's:
// the teardown must unmap them without freeing them). Run with gehri.test=display.
#include <kernel/agent/Reaper.h>
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/console/FramebufferConsole.h>
#include <kernel/display/Display.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

namespace gehri {

namespace {

using abi::ExitInfo;
using abi::ExitReason;

constexpr uint64_t wait_budget = 60'000'000'000; // ns: a few frames under emulation

// display-demo's exit statuses.
constexpr int32_t demo_done = 0;
constexpr int32_t demo_not_supported = 2;
constexpr int32_t demo_access_denied = 3;

ExitInfo run_demo(bool may_display, uint64_t frames)
{
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr) {
        ktest::record_failure(__FILE__, __LINE__, "no initrd: boot with the module 'initrd' (tools/make-iso --initrd)");
        return { .reason = ExitReason(0) };
    }
    Diagnostic diagnostic;
    auto spawned = agent::spawn_agent_from_initrd(*initrd, "bin/display-demo",
        { .name = "display-demo-test", .argument = frames, .may_display = may_display }, diagnostic);
    if (spawned.is_error()) {
        ktest::record_failure_formatted(__FILE__, __LINE__, "spawning display-demo: {}", diagnostic.message());
        return { .reason = ExitReason(0) };
    }
    auto info = spawned.value().agent->wait_for_exit(sched::kernel_scheduler().platform().now_ns() + wait_budget);
    if (info.is_error()) {
        ktest::record_failure_formatted(__FILE__, __LINE__, "display-demo did not exit ({})", error_name(info.error()));
        return { .reason = ExitReason(0) };
    }
    return info.value();
}

void let_agents_go(size_t agents_before)
{
    auto& scheduler = sched::kernel_scheduler();
    for (int i = 0; i < 2000 && (object::Agent::live_count() > agents_before || agent::threads_awaiting_reaper() != 0); ++i)
        scheduler.sleep_for(1'000'000);
    mm::Heap::the().release_empty_slabs();
}

} // namespace

KERNEL_TEST(display_demo_needs_the_display_right)
{
    ExitInfo info = run_demo(false, 1);
    EXPECT_EQ(info.reason, ExitReason::Exited);
    EXPECT_EQ(info.status, demo_access_denied);
    EXPECT_EQ(display::holder(), 0u);
}

KERNEL_TEST(display_demo_draws_and_the_console_gets_the_screen_back)
{
    bool has_screen = console::shared_screen() != nullptr;
    // Warm up (first-use allocations), then count.
    (void)run_demo(true, 1);
    let_agents_go(0);
    auto& memory = mm::PhysicalMemory::the();
    size_t agents_before = object::Agent::live_count();
    uint64_t free_before = memory.free_pages();

    for (int i = 0; i < 2; ++i) {
        ExitInfo info = run_demo(true, 2);
        EXPECT_EQ(info.reason, ExitReason::Exited);
        EXPECT_EQ(info.status, has_screen ? demo_done : demo_not_supported);
        // The screen came back before the waiters were woken.
        EXPECT_EQ(display::holder(), 0u);
        if (has_screen)
            EXPECT(!console::shared_screen()->is_lent());
    }
    let_agents_go(agents_before);
    EXPECT_EQ(object::Agent::live_count(), agents_before);
    EXPECT_EQ(memory.free_pages(), free_before);
}

} // namespace gehri

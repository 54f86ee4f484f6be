#pragma once

// The scheduler's machine, simulated: a settable clock and CPU number, and context switches
// that only record themselves. Threads are plain records that never execute; a test acts "as"
// the current thread of a CPU by calling the scheduler with platform.cpu set to that CPU.
#include <kernel/sched/Platform.h>
#include <kernel/sched/Thread.h>
#include <vector>

namespace gehri::sched::testing {

class FakeSchedulerPlatform final : public SchedulerPlatform {
public:
    uint64_t now_ns() override { return time_ns; }
    uint32_t current_cpu() override { return cpu; }
    void prepare_context(Thread&) override { ++contexts_prepared; }
    Thread* switch_context(Thread& from, Thread&) override
    {
        ++switches;
        return &from; // "returns" in the new thread, whose predecessor is `from`
    }
    void send_reschedule(uint32_t target) override { reschedule_requests.push_back(target); }
    void idle_wait() override { }
    bool interrupts_live() override { return true; }

    uint64_t time_ns { 0 };
    uint32_t cpu { 0 };
    uint64_t contexts_prepared { 0 };
    uint64_t switches { 0 };
    std::vector<uint32_t> reschedule_requests;
};

} // namespace gehri::sched::testing

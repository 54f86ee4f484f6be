#include <kernel/agent/Freeze.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::agent {

namespace {

bool s_frozen = false;
uint64_t s_waiting = 0;
sched::WaitQueue s_thaw_queue;

} // namespace

void freeze_all() { __atomic_store_n(&s_frozen, true, __ATOMIC_SEQ_CST); }

bool is_frozen() { return __atomic_load_n(&s_frozen, __ATOMIC_ACQUIRE); }

void resume_all()
{
    __atomic_store_n(&s_frozen, false, __ATOMIC_SEQ_CST);
    sched::kernel_scheduler().wake_all(s_thaw_queue);
}

void wake_frozen_threads() { sched::kernel_scheduler().wake_all(s_thaw_queue); }

uint64_t frozen_thread_count() { return __atomic_load_n(&s_waiting, __ATOMIC_ACQUIRE); }

void wait_while_frozen(const object::Agent& agent)
{
    if (!is_frozen())
        return;
    auto& scheduler = sched::kernel_scheduler();
    __atomic_fetch_add(&s_waiting, 1, __ATOMIC_ACQ_REL);
    // No timeout: a frozen thread must cost no CPU at all. Agent::kill wakes the queue.
    auto thawed = [&agent] { return !is_frozen() || agent.is_ending(); };
    (void)scheduler.wait_until(s_thaw_queue, thawed);
    __atomic_fetch_sub(&s_waiting, 1, __ATOMIC_ACQ_REL);
}

} // namespace gehri::agent

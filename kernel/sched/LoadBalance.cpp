#include <kernel/sched/ClassQueue.h>
#include <kernel/sched/LoadBalance.h>
#include <kernel/sched/Policy.h>

namespace gehri::sched::balance {

Source find_busiest(const uint32_t* nr_running, CpuMask online, uint32_t destination)
{
    Source busiest;
    uint32_t busiest_load = 0;
    for (uint32_t cpu = 0; cpu < max_cpus; ++cpu) {
        if (cpu == destination || !online.contains(cpu))
            continue;
        if (nr_running[cpu] > busiest_load) {
            busiest_load = nr_running[cpu];
            busiest = { true, cpu };
        }
    }
    if (!busiest.found || busiest_load < nr_running[destination] + policy::balance_imbalance_threshold)
        return {};
    return busiest;
}

bool can_migrate(const Thread& thread, uint32_t destination)
{
    return thread.state() == ThreadState::Runnable && thread.affinity().contains(destination) && !thread.is_idle_thread() && !thread.is_on_cpu();
}

Thread* choose_thread_to_pull(const RunQueue& source, uint32_t destination)
{
    for (size_t i = 0; i < priority_class_count; ++i) {
        Thread* best = nullptr;
        source.queue_of(class_at(i)).for_each([&](Thread& thread) {
            if (!can_migrate(thread, destination))
                return;
            if (!best || virtual_runtime_before(best->virtual_runtime(), thread.virtual_runtime()))
                best = &thread;
        });
        if (best)
            return best;
    }
    return nullptr;
}

} // namespace gehri::sched::balance

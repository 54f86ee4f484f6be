#pragma once

#include <kernel/sched/PriorityClass.h>
#include <stdint.h>

// The scheduler's tunables, in one place. The rules they parameterize are described in
// docs/scheduler.md; every number here is a policy decision, not a hardware fact.
namespace gehri::sched::policy {

constexpr uint64_t nanoseconds_per_millisecond = 1'000'000;

// --- Across classes: strict priority with a bounded-share guarantee ---------------------
//
// Each CPU keeps, per class, how long the class had runnable work (R) and how long it ran (U)
// over a sliding window. A class below the highest runnable class is *owed*
//     owed = R * reserved_share / 1000 - U
// Once owed exceeds the grace, the class is *promoted*: it runs ahead of the classes above it
// until owed drops to zero (paid in full), then strict priority resumes. If several classes
// are promoted, the highest of them runs. So a class that stays runnable gets at least its
// reserved share of every window (the simulations in SchedulerPolicyTest measure exactly
// 10 ms of every sliding 100 ms for Normal and 5 ms for Batch under an Emergency hog).
// Emergency has no reserve because nothing is above it. It is capped implicitly: while lower
// classes are runnable it gets at most 1000 - (sum of their reserves) per mille (75% when all
// three want the CPU) and all of the CPU when nothing else wants it; the scheduler never idles
// a CPU that has work. A runaway Emergency thread therefore slows the system, but cannot lock
// anyone out. Within emergency_budget_permille it is never delayed by a payment (below).
constexpr uint64_t share_window_ns = 100 * nanoseconds_per_millisecond;
constexpr uint32_t share_window_buckets = 10;
constexpr uint64_t share_bucket_ns = share_window_ns / share_window_buckets;

// Per mille of the CPU, indexed by PriorityClass.
constexpr uint32_t reserved_share_permille[priority_class_count] = {
    0, // Emergency: the top class is never starved from above
    100, // Interactive: 10% even under an Emergency overload
    100, // Normal: 10%
    50, // Batch: 5%
};

// Emergency work is never delayed by a reserve payment while Emergency has used at most this
// share of the window: such work is not a runaway, and its requests are served at once even
// when lower classes are owed time (they are paid from the other classes' time, or as soon as
// the Emergency burst ends). Only beyond this budget can a payment make an Emergency wake-up
// wait. It must leave room for the reserves (budget + reserves <= 1000).
constexpr uint32_t emergency_budget_permille = 500;

// How far behind its guarantee a class may fall before it preempts the classes above it. It
// keeps a briefly waiting low class from interrupting Emergency work that is not a runaway:
// a continuously runnable class is promoted only after grace / share of starvation (20 ms for
// Normal, 40 ms for Batch).
constexpr uint64_t starvation_grace_ns = 2 * nanoseconds_per_millisecond;

consteval bool reserves_fit()
{
    uint32_t total = 0;
    for (uint32_t share : reserved_share_permille)
        total += share;
    return reserved_share_permille[0] == 0 && total < 1000 && emergency_budget_permille + total <= 1000;
}
static_assert(reserves_fit(), "the reserved shares must leave room for the classes above them");

// --- Within a class: weighted fair sharing by virtual runtime -------------------------------
//
// A thread's virtual runtime grows by real runtime * default_weight / weight; the thread with
// the smallest virtual runtime runs next. A running thread keeps the CPU for its slice,
//     slice = max(min_granularity, target_latency * weight / runnable weight of the class),
// so every runnable thread of a class runs at least once per target_latency (or per
// min_granularity * count when there are many).
constexpr uint64_t target_latency_ns = 6 * nanoseconds_per_millisecond;
constexpr uint64_t min_granularity_ns = 1 * nanoseconds_per_millisecond;
// A woken thread of the running thread's class preempts it only if it is this far behind in
// virtual runtime (avoids a switch per wake-up between threads that ping-pong).
constexpr uint64_t wakeup_granularity_ns = 1 * nanoseconds_per_millisecond;
// A thread that slept is placed at most this far behind the class's minimum virtual runtime:
// it gets a small latency bonus, not the CPU time it did not use while asleep.
constexpr uint64_t sleeper_credit_ns = 3 * nanoseconds_per_millisecond;

// --- Load balancing -------------------------------------------------------------------------
// A CPU pulls a thread when the busiest CPU has at least this many more runnable threads (a
// difference of one would just move the imbalance).
constexpr uint32_t balance_imbalance_threshold = 2;
// How often a busy CPU looks for imbalance from its tick; an idle CPU looks every time it idles.
constexpr uint64_t balance_interval_ns = 4 * nanoseconds_per_millisecond;

} // namespace gehri::sched::policy

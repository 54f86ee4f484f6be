#include <kernel/sched/ShareWindow.h>

namespace gehri::sched {

ShareWindow::ShareWindow() = default;

uint64_t ShareWindow::sum(PriorityClass priority_class, uint64_t (Bucket::*field)[priority_class_count]) const
{
    uint64_t total = 0;
    for (const Bucket& bucket : m_buckets)
        total += (bucket.*field)[index_of(priority_class)];
    return total;
}

int64_t ShareWindow::owed_ns(PriorityClass priority_class) const
{
    uint64_t entitled = runnable_ns(priority_class) * policy::reserved_share_permille[index_of(priority_class)] / 1000;
    return static_cast<int64_t>(entitled) - static_cast<int64_t>(used_ns(priority_class));
}

void ShareWindow::rotate_to(uint64_t bucket_number)
{
    uint64_t distance = bucket_number - m_bucket_number;
    if (distance >= policy::share_window_buckets) {
        for (Bucket& bucket : m_buckets)
            bucket = {};
    } else {
        for (uint64_t number = m_bucket_number + 1; number <= bucket_number; ++number)
            m_buckets[number % policy::share_window_buckets] = {};
    }
    m_bucket_number = bucket_number;
}

void ShareWindow::charge(uint64_t duration_ns, ClassMask running, ClassMask runnable)
{
    Bucket& bucket = m_buckets[m_bucket_number % policy::share_window_buckets];
    for (size_t i = 0; i < priority_class_count; ++i) {
        if (runnable.contains(class_at(i)) || running.contains(class_at(i)))
            bucket.runnable_ns[i] += duration_ns;
        if (running.contains(class_at(i)))
            bucket.used_ns[i] += duration_ns;
    }
}

void ShareWindow::advance(uint64_t now_ns, ClassMask running, ClassMask runnable)
{
    // A clock that steps backwards (two clock readers racing on SMP) charges nothing.
    if (now_ns <= m_last_update_ns)
        return;
    constexpr uint64_t bucket_ns = policy::share_bucket_ns;
    uint64_t time = m_last_update_ns;
    // After a long quiet period only the tail that still lies inside the window matters, so
    // the loop below runs at most share_window_buckets + 1 times.
    uint64_t now_bucket = now_ns / bucket_ns;
    if (now_bucket >= policy::share_window_buckets) {
        uint64_t window_start = (now_bucket - (policy::share_window_buckets - 1)) * bucket_ns;
        if (time < window_start)
            time = window_start;
    }
    while (time < now_ns) {
        uint64_t bucket_number = time / bucket_ns;
        if (bucket_number != m_bucket_number)
            rotate_to(bucket_number);
        uint64_t bucket_end = (bucket_number + 1) * bucket_ns;
        uint64_t end = bucket_end < now_ns ? bucket_end : now_ns;
        charge(end - time, running, runnable);
        time = end;
    }
    if (now_bucket != m_bucket_number)
        rotate_to(now_bucket);
    m_last_update_ns = now_ns;
}

PriorityClass ShareWindow::choose(ClassMask runnable)
{
    PriorityClass natural = runnable.highest();
    PriorityClass chosen = natural;
    bool found_promoted = false;
    for (size_t i = 0; i < priority_class_count; ++i) {
        PriorityClass candidate = class_at(i);
        bool& promoted = m_promoted[i];
        if (!runnable.contains(candidate) || !is_higher(natural, candidate)) {
            // Only a class waiting below the natural choice can be owed anything.
            promoted = false;
            continue;
        }
        int64_t owed = owed_ns(candidate);
        // Hysteresis: promoted past the grace, demoted only once paid in full.
        promoted = owed > (promoted ? 0 : static_cast<int64_t>(policy::starvation_grace_ns));
        if (promoted && !found_promoted) {
            chosen = candidate;
            found_promoted = true;
        }
    }
    return chosen;
}

} // namespace gehri::sched

#include <kernel/sched/ShareWindow.h>

namespace gehri::sched {

ShareWindow::ShareWindow() = default;

int64_t ShareWindow::owed_ns(PriorityClass priority_class) const
{
    uint64_t entitled = runnable_ns(priority_class) * policy::reserved_share_permille[index_of(priority_class)] / 1000;
    return static_cast<int64_t>(entitled) - static_cast<int64_t>(used_ns(priority_class));
}

void ShareWindow::clear(Bucket& bucket)
{
    for (size_t i = 0; i < priority_class_count; ++i) {
        m_total.runnable_ns[i] -= bucket.runnable_ns[i];
        m_total.used_ns[i] -= bucket.used_ns[i];
    }
    m_total.elapsed_ns -= bucket.elapsed_ns;
    bucket = {};
}

void ShareWindow::rotate_to(uint64_t bucket_number)
{
    uint64_t distance = bucket_number - m_bucket_number;
    if (distance >= policy::share_window_buckets) {
        for (Bucket& bucket : m_buckets)
            bucket = {};
        m_total = {};
    } else {
        for (uint64_t number = m_bucket_number + 1; number <= bucket_number; ++number)
            clear(m_buckets[number % policy::share_window_buckets]);
    }
    m_bucket_number = bucket_number;
}

void ShareWindow::charge(uint64_t duration_ns, ClassMask running, ClassMask runnable)
{
    Bucket& bucket = m_buckets[m_bucket_number % policy::share_window_buckets];
    bucket.elapsed_ns += duration_ns;
    m_total.elapsed_ns += duration_ns;
    for (unsigned bits = runnable.united(running).bits(); bits; bits &= bits - 1) {
        size_t i = static_cast<size_t>(__builtin_ctz(bits));
        bucket.runnable_ns[i] += duration_ns;
        m_total.runnable_ns[i] += duration_ns;
    }
    if (!running.is_empty()) {
        size_t i = index_of(running.highest());
        bucket.used_ns[i] += duration_ns;
        m_total.used_ns[i] += duration_ns;
    }
}

void ShareWindow::advance(uint64_t now_ns, ClassMask running, ClassMask runnable)
{
    // A clock that steps backwards (two clock readers racing on SMP) charges nothing.
    if (now_ns <= m_last_update_ns)
        return;
    constexpr uint64_t bucket_ns = policy::share_bucket_ns;
    // The common case, many times per bucket: still inside the current bucket.
    if (now_ns < (m_bucket_number + 1) * bucket_ns && m_last_update_ns >= m_bucket_number * bucket_ns) {
        charge(now_ns - m_last_update_ns, running, runnable);
        m_last_update_ns = now_ns;
        return;
    }
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

bool ShareWindow::emergency_within_budget() const
{
    return used_ns(PriorityClass::Emergency) * 1000 <= m_total.elapsed_ns * policy::emergency_budget_permille;
}

PriorityClass ShareWindow::choose(ClassMask runnable)
{
    PriorityClass natural = runnable.highest();
    // Only a class waiting below the natural choice can be owed anything.
    ClassMask waiting_below = runnable.below(natural);
    m_promoted = m_promoted.intersected(waiting_below);
    if (waiting_below.is_empty())
        return natural;
    PriorityClass chosen = natural;
    bool found_promoted = false;
    for (size_t i = index_of(natural) + 1; i < priority_class_count; ++i) {
        PriorityClass candidate = class_at(i);
        if (!waiting_below.contains(candidate))
            continue;
        // Hysteresis: promoted past the grace, demoted only once paid in full.
        bool was_promoted = m_promoted.contains(candidate);
        bool promoted = owed_ns(candidate) > (was_promoted ? 0 : static_cast<int64_t>(policy::starvation_grace_ns));
        if (!promoted) {
            m_promoted.remove(candidate);
            continue;
        }
        m_promoted.add(candidate);
        if (!found_promoted) {
            chosen = candidate;
            found_promoted = true;
        }
    }
    // Promotions stay recorded (they are paid as soon as Emergency stops), but Emergency work
    // within its budget is not interrupted for them.
    if (natural == PriorityClass::Emergency && emergency_within_budget())
        return natural;
    return chosen;
}

} // namespace gehri::sched

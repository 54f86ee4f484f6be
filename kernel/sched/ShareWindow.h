#pragma once

#include <kernel/sched/Policy.h>
#include <kernel/sched/PriorityClass.h>
#include <stdint.h>

namespace gehri::sched {

// The cross-class rule of one CPU: strict priority, except that a lower class that has fallen
// behind its reserved share (Policy.h) is served first until it has caught up. It keeps, per
// class, the time the class was runnable and the time it ran, over a sliding window made of
// share_window_buckets buckets (the current, partial bucket plus the previous full ones).
class ShareWindow {
public:
    ShareWindow();

    // Charges [last update, now): `running` (one class, or empty while idle) ran, every class
    // in `runnable` wanted to run. The caller passes the state that held during that interval.
    void advance(uint64_t now_ns, ClassMask running, ClassMask runnable);

    // The class to run next among the runnable ones (which must not be empty). Updates which
    // classes are promoted for being owed their share, with hysteresis.
    PriorityClass choose(ClassMask runnable);

    uint64_t runnable_ns(PriorityClass priority_class) const { return m_total.runnable_ns[index_of(priority_class)]; }
    uint64_t used_ns(PriorityClass priority_class) const { return m_total.used_ns[index_of(priority_class)]; }
    // Positive when the class got less than its reserved share of the time it was runnable.
    int64_t owed_ns(PriorityClass priority_class) const;
    bool is_promoted(PriorityClass priority_class) const { return m_promoted.contains(priority_class); }

private:
    struct Bucket {
        uint64_t runnable_ns[priority_class_count];
        uint64_t used_ns[priority_class_count];
        uint64_t elapsed_ns;
    };

    bool emergency_within_budget() const;

    void rotate_to(uint64_t bucket_number);
    void clear(Bucket& bucket);
    void charge(uint64_t duration_ns, ClassMask running, ClassMask runnable);

    Bucket m_buckets[policy::share_window_buckets] {};
    Bucket m_total {}; // the sum of m_buckets, kept up to date so that owed_ns is O(1)
    uint64_t m_bucket_number { 0 }; // absolute number (time / bucket length) of the current bucket
    uint64_t m_last_update_ns { 0 };
    ClassMask m_promoted;
};

} // namespace gehri::sched

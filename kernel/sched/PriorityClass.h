#pragma once

#include <kernel/lib/StringView.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::sched {

// The four classes of work an agent system runs, highest first. Across classes the scheduler
// runs the highest runnable class (with the bounded-share guarantee of Policy.h); within a
// class, threads share the CPU in proportion to their weights. See docs/scheduler.md.
enum class PriorityClass : uint8_t {
    Emergency = 0, // latency-critical inference: runs at once, preempting everything below
    Interactive = 1, // an agent answering a person or another agent right now
    Normal = 2, // ordinary agent work
    Batch = 3, // preemptible background work (indexing, training, housekeeping)
};

constexpr size_t priority_class_count = 4;

constexpr size_t index_of(PriorityClass priority_class) { return static_cast<size_t>(priority_class); }
constexpr PriorityClass class_at(size_t index) { return static_cast<PriorityClass>(index); }
constexpr bool is_valid(PriorityClass priority_class) { return index_of(priority_class) < priority_class_count; }
// True when `a` takes precedence over `b`.
constexpr bool is_higher(PriorityClass a, PriorityClass b) { return index_of(a) < index_of(b); }

constexpr StringView name_of(PriorityClass priority_class)
{
    switch (priority_class) {
    case PriorityClass::Emergency: return "emergency";
    case PriorityClass::Interactive: return "interactive";
    case PriorityClass::Normal: return "normal";
    case PriorityClass::Batch: return "batch";
    }
    return "invalid";
}

// A set of classes, bit i = class i: which classes have runnable work.
class ClassMask {
public:
    constexpr ClassMask() = default;
    static constexpr ClassMask of(PriorityClass priority_class) { return ClassMask(uint8_t(1u << index_of(priority_class))); }

    constexpr bool contains(PriorityClass priority_class) const { return (m_bits >> index_of(priority_class)) & 1; }
    constexpr bool is_empty() const { return m_bits == 0; }
    constexpr void add(PriorityClass priority_class) { m_bits |= uint8_t(1u << index_of(priority_class)); }
    constexpr void remove(PriorityClass priority_class) { m_bits &= uint8_t(~(1u << index_of(priority_class))); }
    constexpr ClassMask united(ClassMask other) const { return ClassMask(m_bits | other.m_bits); }
    constexpr ClassMask intersected(ClassMask other) const { return ClassMask(m_bits & other.m_bits); }
    // The classes of this set that rank below `priority_class`.
    constexpr ClassMask below(PriorityClass priority_class) const { return ClassMask(uint8_t(m_bits & ~((2u << index_of(priority_class)) - 1))); }
    // The highest class in the set; the set must not be empty.
    constexpr PriorityClass highest() const { return class_at(static_cast<size_t>(__builtin_ctz(m_bits))); }
    constexpr uint8_t bits() const { return m_bits; }
    constexpr bool operator==(const ClassMask&) const = default;

private:
    constexpr explicit ClassMask(uint8_t bits)
        : m_bits(bits)
    {
    }
    uint8_t m_bits { 0 };
};

// A thread's weight inside its class: its CPU share is weight / (sum of the runnable weights
// in the class). Services (auctions, reputation) change it at run time.
constexpr uint32_t default_weight = 1024;
constexpr uint32_t min_weight = 1;
constexpr uint32_t max_weight = 1u << 20;
constexpr bool is_valid_weight(uint32_t weight) { return weight >= min_weight && weight <= max_weight; }

} // namespace gehri::sched

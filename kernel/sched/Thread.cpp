#include <kernel/sched/Thread.h>

namespace gehri::sched {

namespace {
ThreadId s_next_thread_id = 1;
}

Thread::Thread(const ThreadOptions& options, StackRegion stack, ThreadEntry entry, void* argument)
    : m_id(__atomic_fetch_add(&s_next_thread_id, 1, __ATOMIC_RELAXED))
    , m_class(options.priority_class)
    , m_weight(options.weight)
    , m_affinity(options.affinity)
    , m_stack(stack)
    , m_entry(entry)
    , m_argument(argument)
{
    // Names are for people reading logs; a long one is cut, not refused.
    StringView name = options.name;
    m_name_length = name.length() < max_name_length ? name.length() : max_name_length;
    for (size_t i = 0; i < m_name_length; ++i)
        m_name[i] = name[i];
}

} // namespace gehri::sched

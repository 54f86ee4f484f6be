#include <kernel/ipc/TopicNamespace.h>
#include <new>

namespace gehri::ipc {

Result<RefPtr<TopicNamespace>> TopicNamespace::create(uint32_t max_topics)
{
    if (max_topics == 0)
        return Error::InvalidArgument;
    return adopt_ref_if_nonnull(new (std::nothrow) TopicNamespace(max_topics));
}

TopicNamespace::~TopicNamespace()
{
    while (Topic* topic = m_topics.pop_first())
        topic->unref();
}

Topic* TopicNamespace::find_locked(StringView name)
{
    Topic* found = nullptr;
    m_topics.for_each([&](Topic& topic) {
        if (!found && topic.name() == name)
            found = &topic;
    });
    return found;
}

Result<RefPtr<Topic>> TopicNamespace::insert(StringView name, TopicLimits limits, bool existing_ok)
{
    // Made before the lock (allocation); thrown away if the name turns out to be taken.
    auto topic = TRY(Topic::create(name, limits));
    InterruptSafeGuard guard(m_lock);
    if (Topic* existing = find_locked(name)) {
        if (!existing_ok)
            return Error::AlreadyExists;
        return RefPtr<Topic>(*existing);
    }
    if (m_topics.size() >= m_max_topics)
        return Error::QuotaExceeded;
    topic->ref(); // the namespace's own reference, dropped by remove() or our destruction
    m_topics.append(*topic);
    return topic;
}

Result<RefPtr<Topic>> TopicNamespace::create_topic(StringView name, TopicLimits limits) { return insert(name, limits, false); }

Result<RefPtr<Topic>> TopicNamespace::open_or_create(StringView name, TopicLimits limits) { return insert(name, limits, true); }

Result<RefPtr<Topic>> TopicNamespace::open(StringView name)
{
    InterruptSafeGuard guard(m_lock);
    Topic* topic = find_locked(name);
    if (!topic)
        return Error::NotFound;
    return RefPtr<Topic>(*topic);
}

Result<void> TopicNamespace::remove(StringView name)
{
    Topic* topic;
    {
        InterruptSafeGuard guard(m_lock);
        topic = find_locked(name);
        if (!topic)
            return Error::NotFound;
        m_topics.remove(*topic);
    }
    topic->unref(); // outside the lock: it may be the last reference
    return {};
}

size_t TopicNamespace::topic_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_topics.size();
}

} // namespace gehri::ipc

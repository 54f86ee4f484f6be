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

namespace {

// FNV-1a: names are short, and a namespace is not a hash-flooding target (only holders of a
// handle to it name its topics, within the namespace's topic limit).
uint64_t hash_of(StringView name)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : name)
        hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return hash;
}

} // namespace

Topic** TopicNamespace::bucket_of_locked(StringView name)
{
    if (m_buckets.count == 0)
        return nullptr;
    return &m_buckets.heads[hash_of(name) & (m_buckets.count - 1)];
}

Topic* TopicNamespace::find_locked(StringView name)
{
    Topic** bucket = bucket_of_locked(name);
    for (Topic* topic = bucket ? *bucket : nullptr; topic != nullptr; topic = topic->m_bucket_next) {
        if (topic->name() == name)
            return topic;
    }
    return nullptr;
}

// Moves every topic into `bigger` (empty heads); the old heads end up in `bigger`, to be freed.
void TopicNamespace::reindex_locked(Buckets& bigger)
{
    Topic** old_heads = m_buckets.heads;
    size_t old_count = m_buckets.count;
    m_buckets.heads = bigger.heads;
    __atomic_store_n(&m_buckets.count, bigger.count, __ATOMIC_RELAXED);
    bigger.heads = old_heads;
    bigger.count = old_count;
    for (size_t i = 0; i < old_count; ++i) {
        for (Topic* topic = old_heads[i]; topic != nullptr;) {
            Topic* next = topic->m_bucket_next;
            Topic** bucket = bucket_of_locked(topic->name());
            topic->m_bucket_next = *bucket;
            *bucket = topic;
            topic = next;
        }
    }
}

Result<RefPtr<Topic>> TopicNamespace::insert(StringView name, TopicLimits limits, bool existing_ok)
{
    // Made before the lock (allocation); thrown away if the name turns out to be taken. So is
    // a bigger index, when this topic may need one (declared first: freed after the lock).
    auto topic = TRY(Topic::create(name, limits));
    Buckets bigger;
    size_t count = __atomic_load_n(&m_count, __ATOMIC_RELAXED);
    size_t buckets = __atomic_load_n(&m_buckets.count, __ATOMIC_RELAXED);
    if (count + 1 > 2 * buckets) {
        size_t wanted = buckets == 0 ? first_buckets : 2 * buckets;
        bigger.heads = new (std::nothrow) Topic* [wanted] {};
        bigger.count = bigger.heads ? wanted : 0;
    }
    InterruptSafeGuard guard(m_lock);
    if (bigger.count > m_buckets.count)
        reindex_locked(bigger);
    if (Topic* existing = find_locked(name)) {
        if (!existing_ok)
            return Error::AlreadyExists;
        return RefPtr<Topic>(*existing);
    }
    if (m_topics.size() >= m_max_topics)
        return Error::QuotaExceeded;
    Topic** bucket = bucket_of_locked(name);
    if (bucket == nullptr)
        return Error::OutOfMemory; // not even the first index could be had
    topic->ref(); // the namespace's own reference, dropped by remove() or our destruction
    m_topics.append(*topic);
    topic->m_bucket_next = *bucket;
    *bucket = topic.get();
    __atomic_store_n(&m_count, m_topics.size(), __ATOMIC_RELAXED);
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
        Topic** link = bucket_of_locked(name);
        while (*link != topic)
            link = &(*link)->m_bucket_next;
        *link = topic->m_bucket_next;
        topic->m_bucket_next = nullptr;
        __atomic_store_n(&m_count, m_topics.size(), __ATOMIC_RELAXED);
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

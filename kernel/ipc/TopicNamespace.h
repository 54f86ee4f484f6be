#pragma once

#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/Topic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/lib/StringView.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

// A directory of topics. Topics have no global names: a handle to a namespace is the capability
// to find or create the topics in it, so two agent groups with different namespaces cannot see
// each other's traffic even if they pick the same names. The namespace keeps each topic alive
// until it is removed; publishers and subscribers keep their topic alive on their own.
class TopicNamespace final : public RefCounted<TopicNamespace> {
public:
    static constexpr uint32_t default_max_topics = 1024;

    // InvalidArgument for max_topics == 0; OutOfMemory.
    static Result<RefPtr<TopicNamespace>> create(uint32_t max_topics = default_max_topics);
    ~TopicNamespace();

    // AlreadyExists if the name is taken; QuotaExceeded past max_topics; name errors as in
    // TopicName; OutOfMemory.
    Result<RefPtr<Topic>> create_topic(StringView name, TopicLimits limits = {});
    // NotFound if absent.
    Result<RefPtr<Topic>> open(StringView name);
    // The existing topic (its limits win) or a new one.
    Result<RefPtr<Topic>> open_or_create(StringView name, TopicLimits limits = {});
    // Forgets the name; live publishers and subscribers keep using the topic. NotFound if absent.
    Result<void> remove(StringView name);
    size_t topic_count();

private:
    explicit TopicNamespace(uint32_t max_topics)
        : m_max_topics(max_topics)
    {
    }
    // The name index: chained buckets, at most two topics per bucket on average (it doubles;
    // if that allocation fails the chains just grow longer). A swarm's namespace can hold a
    // topic per agent (thousands), each found on every subscribe and publisher.
    struct Buckets {
        Buckets() = default;
        Buckets(const Buckets&) = delete;
        Buckets& operator=(const Buckets&) = delete;
        ~Buckets() { delete[] heads; }
        Topic** heads { nullptr };
        size_t count { 0 };
    };
    static constexpr size_t first_buckets = 16;

    Topic* find_locked(StringView name);
    Topic** bucket_of_locked(StringView name);
    void reindex_locked(Buckets& bigger);
    Result<RefPtr<Topic>> insert(StringView name, TopicLimits limits, bool existing_ok);

    Spinlock m_lock;
    uint32_t m_max_topics;
    sched::IntrusiveList<Topic, &Topic::m_namespace_node> m_topics;
    Buckets m_buckets;
    size_t m_count { 0 }; // m_topics.size(), readable without the lock (atomic)
};

} // namespace gehri::ipc

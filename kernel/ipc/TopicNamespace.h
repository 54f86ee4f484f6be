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
    Topic* find_locked(StringView name);
    Result<RefPtr<Topic>> insert(StringView name, TopicLimits limits, bool existing_ok);

    Spinlock m_lock;
    uint32_t m_max_topics;
    // Looked up by a linear walk: opening a topic is setup, not the message path.
    sched::IntrusiveList<Topic, &Topic::m_namespace_node> m_topics;
};

} // namespace gehri::ipc

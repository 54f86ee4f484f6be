#include <kernel/ipc/Topic.h>

namespace gehri::ipc {

Publisher::Publisher(RefPtr<Topic> topic)
    : m_topic(std::move(topic))
{
}

Publisher::~Publisher() = default;

Result<uint64_t> Publisher::publish(AgentId sender, ReadonlyBytes bytes) { return m_topic->publish(sender, bytes); }
Result<uint64_t> Publisher::publish(AgentId sender, PayloadRef payload) { return m_topic->publish(sender, std::move(payload)); }

SignalSource& Publisher::signal_source() { return m_topic->publisher_signals(); }

} // namespace gehri::ipc

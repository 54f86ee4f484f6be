#include <user/init/Grants.h>

namespace gehri::swarm {

namespace {

// The agents (sections) naming `resource` as a channel, in manifest order; the first two go
// to `first` and `second`.
size_t channel_claimants(Span<const AgentSpec> agents, StringView resource, const AgentSpec** first, const AgentSpec** second)
{
    size_t count = 0;
    for (const AgentSpec& agent : agents) {
        for (const Capability& capability : agent.capability_list()) {
            if (capability.kind != CapabilityKind::Channel || capability.resource != resource)
                continue;
            if (count == 0)
                *first = &agent;
            else if (count == 1)
                *second = &agent;
            ++count;
        }
    }
    return count;
}

Result<void> check_channel(StringView file, Span<const AgentSpec> agents, const AgentSpec& agent, const Capability& capability,
    Diagnostic& diagnostic)
{
    const AgentSpec* first = nullptr;
    const AgentSpec* second = nullptr;
    size_t claimants = channel_claimants(agents, capability.resource, &first, &second);
    if (claimants == 1)
        return diagnostic.fail_at_line(Error::InvalidArgument, file, capability.line,
            "channel:{} is named by agent {} only: a channel joins exactly two agents", capability.resource, agent.name);
    if (claimants > 2)
        return diagnostic.fail_at_line(Error::InvalidArgument, file, capability.line,
            "channel:{} is named by {} agents ({}, {}, ...): a channel joins exactly two agents", capability.resource, claimants,
            first->name, second->name);
    if (agent.replicas != 1)
        return diagnostic.fail_at_line(Error::InvalidArgument, file, capability.line,
            "agent {} has {} replicas: a channel end (channel:{}) goes to one agent, so it needs replicas = 1", agent.name, agent.replicas,
            capability.resource);
    return {};
}

} // namespace

Result<StringView> grant_name(const Capability& capability, char (&buffer)[max_grant_name_length])
{
    // Copied by hand: a BufferSink keeps a byte for a terminator, and the name needs none.
    StringView kind = capability_kind_name(capability.kind);
    size_t length = kind.length() + 1 + capability.resource.length();
    if (length > sizeof(buffer))
        return Error::BufferTooSmall;
    size_t at = 0;
    for (char c : kind)
        buffer[at++] = c;
    buffer[at++] = ':';
    for (char c : capability.resource)
        buffer[at++] = c;
    return StringView(buffer, length);
}

Result<void> check_grants(StringView file, Span<const AgentSpec> agents, Diagnostic& diagnostic)
{
    for (const AgentSpec& agent : agents) {
        size_t granted = 0;
        for (const Capability& capability : agent.capability_list()) {
            if (!is_granted_object(capability.kind))
                continue;
            char buffer[max_grant_name_length];
            if (grant_name(capability, buffer).is_error())
                return diagnostic.fail_at_line(Error::TooLarge, file, capability.line, "{}:{} is too long a name to grant (at most {} characters in all)",
                    capability_kind_name(capability.kind), capability.resource, max_grant_name_length);
            if (++granted > max_granted_objects)
                return diagnostic.fail_at_line(Error::QuotaExceeded, file, capability.line,
                    "agent {} is granted more than {} blackboards and channels", agent.name, max_granted_objects);
            if (capability.kind == CapabilityKind::Channel)
                TRY(check_channel(file, agents, agent, capability, diagnostic));
        }
    }
    return {};
}

size_t channel_end_of(Span<const AgentSpec> agents, const AgentSpec& agent, StringView resource)
{
    const AgentSpec* first = nullptr;
    const AgentSpec* second = nullptr;
    channel_claimants(agents, resource, &first, &second);
    return first == &agent ? 0 : 1;
}

} // namespace gehri::swarm

// Topics through the namespace init grants from the manifest (manifests/topics-demo.manifest).
// The agent's manifest name picks its part: demo-listener subscribes and waits for the greeting,
// demo-speaker publishes it, anything else checks that it was granted no namespace. Each also
// checks that the right it was not granted is refused. Exit status 0 when all held.
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::StringView;

constexpr StringView topic = "demo/greeting";

int listen(const gehri::TopicNamespace& topics)
{
    if (topics.publisher(topic).is_ok() || topics.publisher(topic).error() != Error::AccessDenied) {
        gehri::println("topic-demo: the listener could publish");
        return 1;
    }
    auto inbox = topics.subscribe(topic, { .history_depth = 4, .reliable = true, .latest_value = true });
    if (inbox.is_error())
        return 2;
    char text[64];
    auto sample = inbox.value().take(text, sizeof(text), 30'000'000'000);
    if (sample.is_error())
        return 3;
    gehri::println("topic-demo: the listener got '{}' from agent {}", StringView(text, sample.value().size), sample.value().sender);
    return 0;
}

int speak(const gehri::TopicNamespace& topics)
{
    if (topics.subscribe(topic).is_ok() || topics.subscribe(topic).error() != Error::AccessDenied) {
        gehri::println("topic-demo: the speaker could subscribe");
        return 1;
    }
    auto speaker = topics.publisher(topic);
    if (speaker.is_error())
        return 2;
    constexpr StringView greeting = "hello, swarm";
    return speaker.value().publish(greeting.characters(), greeting.length()).is_ok() ? 0 : 3;
}

} // namespace

int main(gehri::Agent& self)
{
    auto info = gehri::system::agent_info(self.handle().value());
    if (info.is_error())
        return 10;
    StringView name(info.value().name);
    auto handle = gehri::bootstrap_handle();
    if (name != "demo-listener" && name != "demo-speaker") {
        bool granted = handle.is_ok();
        gehri::println("topic-demo: {} has {} namespace", name, granted ? "a" : "no");
        return granted ? 11 : 0;
    }
    if (handle.is_error())
        return 12;
    gehri::TopicNamespace topics(handle.release_value());
    return name == "demo-listener" ? listen(topics) : speak(topics);
}

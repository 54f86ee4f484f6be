// Topics through the namespace init grants from the manifest (manifests/topics-demo.manifest).
// The agent's manifest name picks its part: demo-listener subscribes and waits for the greeting,
// demo-speaker publishes it, anything else checks that it was granted no namespace. Each also
// checks that the right it was not granted is refused, and that a topic outside its manifest
// patterns is refused (the kernel enforces them). Exit status 0 when all held.
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::StringView;

constexpr StringView topic = "demo/greeting";

bool denied(gehri::Result<gehri::Publisher> result) { return result.is_error() && result.error() == Error::AccessDenied; }
bool denied(gehri::Result<gehri::Subscription> result) { return result.is_error() && result.error() == Error::AccessDenied; }

// The listener's patterns: `demo/*` to subscribe, `status/listener` to publish.
int listener_stays_in_its_patterns(const gehri::TopicNamespace& topics)
{
    if (!denied(topics.subscribe("other/topic")) || !denied(topics.subscribe("status/listener")) || !denied(topics.publisher("status/other"))
        || !denied(topics.publisher("demo/other"))) {
        gehri::println("topic-demo: the listener reached a topic outside its patterns");
        return 4;
    }
    auto status = topics.publisher("status/listener");
    if (status.is_error() || status.value().publish("ok", 2).is_error())
        return 5;
    gehri::println("topic-demo: the listener was refused the topics outside its patterns");
    return 0;
}

// The speaker's only pattern is `demo/greeting` (publish). A view it derives cannot widen that.
int speaker_stays_in_its_pattern(const gehri::TopicNamespace& topics)
{
    if (!denied(topics.publisher("demo/other")) || !denied(topics.publisher("fire/alerts"))) {
        gehri::println("topic-demo: the speaker reached a topic outside its pattern");
        return 4;
    }
    gehri::abi::TopicPattern everything[] = { { .pattern = reinterpret_cast<uint64_t>("*/*"), .length = 3,
        .rights = static_cast<uint32_t>(gehri::Rights::Publish | gehri::Rights::Subscribe) } };
    auto subscribing = topics.restrict(everything, gehri::Rights::Subscribe | gehri::Rights::Write);
    if (subscribing.is_ok() || subscribing.error() != Error::AccessDenied)
        return 5; // the speaker's handle has no Subscribe right to pass on
    auto wide = topics.restrict(everything, gehri::Rights::Publish | gehri::Rights::Write);
    if (wide.is_error())
        return 6;
    if (!denied(wide.value().publisher("demo/other")) || !denied(wide.value().subscribe(topic)))
        return 7; // the view's "*/*" is still limited by the speaker's own pattern
    gehri::abi::TopicPattern bad[] = { { .pattern = reinterpret_cast<uint64_t>("has space"), .length = 9,
        .rights = static_cast<uint32_t>(gehri::Rights::Publish) } };
    auto malformed = topics.restrict(bad, gehri::Rights::Publish);
    if (malformed.is_ok() || malformed.error() != Error::InvalidArgument)
        return 8;
    auto unmapped = gehri::system::topic_namespace_restrict(topics.handle().value(), reinterpret_cast<const gehri::abi::TopicPattern*>(0x1000), 1,
        gehri::Rights::Publish);
    if (unmapped.is_ok() || unmapped.error() != Error::BadAddress)
        return 9;
    gehri::println("topic-demo: the speaker was refused the topics outside its pattern, and could not widen it");
    return 0;
}

int listen(const gehri::TopicNamespace& topics)
{
    if (topics.publisher(topic).is_ok() || topics.publisher(topic).error() != Error::AccessDenied) {
        gehri::println("topic-demo: the listener could publish");
        return 1;
    }
    auto inbox = topics.subscribe(topic, { .history_depth = 4, .reliable = true, .latest_value = true });
    if (inbox.is_error())
        return 2;
    if (int failed = listener_stays_in_its_patterns(topics); failed != 0)
        return failed;
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
    if (int failed = speaker_stays_in_its_pattern(topics); failed != 0)
        return failed;
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

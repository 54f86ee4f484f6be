// Topics between agents, end to end. Argument 0: the checks and a soak test (kernel/tests runs
// it; exit status = failures): publisher agents each publish a fixed number of samples on a
// reliable topic, and the count received must equal the count sent, in order, none lost.
// Argument 1: one of those publishers (its topic namespace comes as its bootstrap handle), which
// waits for the writable signal when the subscriber is full; argument 2: one that lets the
// kernel wait for room (TopicPublish with a timeout).
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;
using gehri::Handle;
using gehri::Qos;
using gehri::Rights;
using gehri::TopicNamespace;
namespace abi = gehri::abi;

constexpr uint64_t second = 1'000'000'000;
constexpr int publishers = 4;
constexpr uint32_t samples_each = 500;
int s_failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++s_failures;
        gehri::println("pubsub: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++s_failures;
        gehri::println("pubsub: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

struct Sample {
    uint32_t publisher;
    uint32_t index;
    uint64_t padding[3];
};

constexpr uint64_t role_publisher = 1;
constexpr uint64_t role_waiting_publisher = 2;

int publisher_agent(bool kernel_waits)
{
    auto bootstrap = gehri::bootstrap_handle();
    if (bootstrap.is_error())
        return 100;
    TopicNamespace topics(bootstrap.release_value());
    auto publisher = topics.publisher("soak", false);
    if (publisher.is_error())
        return 101;
    gehri::WaitSet room;
    (void)room.add(publisher.value().handle(), abi::signal::writable);
    uint32_t id = static_cast<uint32_t>(gehri::this_agent().id());
    for (uint32_t i = 0; i < samples_each;) {
        Sample sample { id, i, {} };
        auto published = publisher.value().publish(&sample, sizeof(sample), kernel_waits ? 10 * second : 0);
        if (published.is_ok()) {
            ++i;
            continue;
        }
        if (published.error() != Error::QueueFull || kernel_waits)
            return 102;
        // Back-pressure: sleep until no reliable subscriber is full, then retry.
        if (room.wait(10 * second).is_error())
            return 103;
    }
    return 0;
}

void check_bad_input(const TopicNamespace& topics)
{
    uint8_t buffer[64];
    check_error(topics.publisher("has space"), Error::InvalidArgument, "a topic name with a space");
    check_error(topics.publisher("a-name-that-is-longer-than-sixty-four-characters-which-is-the-limit-x"), Error::TooLarge, "a topic name over 64");
    check_error(topics.publisher("missing", false), Error::NotFound, "opening a topic that does not exist");

    // Rights: a namespace handle without Publish cannot publish, without Write cannot create.
    auto subscribe_only = topics.handle().duplicate(Rights::Subscribe);
    if (subscribe_only.is_ok()) {
        TopicNamespace reader(subscribe_only.release_value());
        check_error(reader.publisher("t"), Error::AccessDenied, "a publisher without the Publish right");
        check_error(reader.subscribe("new-topic", {}, true), Error::AccessDenied, "creating a topic without the Write right");
    }
    auto publisher = topics.publisher("checks").release_value();
    static uint8_t big[abi::max_message_bytes + 1];
    check_error(publisher.publish(big, sizeof(big)), Error::TooLarge, "a sample over 64 KiB");

    // Best effort, depth 2: the oldest are dropped, the newest two remain.
    auto best_effort = topics.subscribe("checks", { .history_depth = 2 }).release_value();
    auto reliable = topics.subscribe("checks", { .history_depth = 1, .reliable = true }).release_value();
    check_error(best_effort.take(buffer, sizeof(buffer), 0), Error::WouldBlock, "take from an empty subscription, polling");
    check_error(best_effort.take(buffer, sizeof(buffer), 1'000'000), Error::TimedOut, "take with a timeout");
    check(publisher.publish("one", 3).is_ok(), "publish one");
    // The reliable subscriber (depth 1) is now full: the next publish is refused for everyone.
    check_error(publisher.publish("two", 3), Error::QueueFull, "publish to a full reliable subscriber");
    gehri::WaitSet room;
    (void)room.add(publisher.handle(), abi::signal::writable);
    check_error(room.wait(0), Error::TimedOut, "the publisher is not writable while a reliable subscriber is full");
    check_error(reliable.take(buffer, 1, 0), Error::BufferTooSmall, "take into a 1-byte buffer");
    auto first = reliable.take(buffer, sizeof(buffer), 0);
    check(first.is_ok() && first.value().size == 3 && first.value().sequence == 1, "the reliable subscriber gets sample 1");
    check(room.wait(0).is_ok(), "the publisher is writable again");
    for (int i = 0; i < 3; ++i) {
        check(publisher.publish("more", 4).is_ok(), "publish more");
        (void)reliable.take(buffer, sizeof(buffer), 0);
    }
    auto oldest_kept = best_effort.take(buffer, sizeof(buffer), 0);
    check(oldest_kept.is_ok() && oldest_kept.value().sequence == 3, "best effort kept the newest two (3 and 4)");
    check(oldest_kept.is_ok() && oldest_kept.value().sender == gehri::this_agent().id(), "the sample's sender is stamped");

    // Latest value: a late joiner starts with the last sample.
    auto late = topics.subscribe("checks", { .history_depth = 4, .latest_value = true }).release_value();
    auto last = late.take(buffer, sizeof(buffer), 0);
    check(last.is_ok() && last.value().sequence == 4, "a latest-value subscriber gets the last sample");

    // Handles of the wrong kind.
    check_error(gehri::system::topic_publish(late.handle().value(), "x", 1), Error::WrongObjectType, "publishing on a subscription handle");
}

void soak(gehri::Agent& self, const TopicNamespace& topics)
{
    auto subscription = topics.subscribe("soak", { .history_depth = 64, .reliable = true }).release_value();
    gehri::ChildAgent children[publishers];
    uint64_t ids[publishers] {};
    for (int i = 0; i < publishers; ++i) {
        auto handle = topics.handle().duplicate(Rights::Publish | Rights::Transfer);
        if (handle.is_error()) {
            check(false, "duplicate the namespace for a publisher");
            return;
        }
        Handle bootstrap = handle.release_value();
        auto child = gehri::spawn(self.handle(), { .program = "bin/pubsub", .name = "pubsub-publisher", .argument = i % 2 == 0 ? role_publisher : role_waiting_publisher, .memory_quota = 256 * 1024, .bootstrap = &bootstrap });
        check(child.is_ok(), "spawn a publisher");
        if (child.is_error())
            return;
        children[i] = std::move(child.value());
        ids[i] = children[i].info().value().id;
    }
    uint32_t next_index[publishers] {};
    uint64_t received = 0;
    uint64_t last_sequence = 0;
    bool in_order = true;
    while (received < publishers * samples_each) {
        Sample sample;
        auto taken = subscription.take(&sample, sizeof(sample), 10 * second);
        if (taken.is_error()) {
            check(false, "a sample within 10 s");
            break;
        }
        ++received;
        in_order &= taken.value().sequence == last_sequence + 1;
        last_sequence = taken.value().sequence;
        int from = -1;
        for (int i = 0; i < publishers; ++i) {
            if (ids[i] == taken.value().sender)
                from = i;
        }
        if (from < 0 || sample.publisher != taken.value().sender || sample.index != next_index[from]) {
            in_order = false;
            continue;
        }
        ++next_index[from];
    }
    check(in_order, "every sample arrives once, in order, from the agent that the kernel says sent it");
    check(received == publishers * samples_each, "received == sent");
    for (auto& child : children) {
        auto ended = child.wait(10 * second);
        check(ended.is_ok() && ended.value().status == 0, "a publisher ends with status 0");
    }
    gehri::println("pubsub: soak: {} publishers x {} samples sent, {} received", publishers, samples_each, received);
}

} // namespace

int main(gehri::Agent& self)
{
    if (self.argument() == role_publisher || self.argument() == role_waiting_publisher)
        return publisher_agent(self.argument() == role_waiting_publisher);
    auto topics = TopicNamespace::create();
    if (topics.is_error())
        return 100;
    check_bad_input(topics.value());
    soak(self, topics.value());
    gehri::println("pubsub: {} failures", s_failures);
    return s_failures;
}

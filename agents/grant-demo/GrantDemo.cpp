// grant-demo: the manifest's blackboard: and channel: capabilities (manifests/grants-demo.manifest,
// run by kernel/tests/AgentLifecycleTests.cpp). Each agent does what its grants allow: the two
// ends of channel:chat greet each other; the writers of blackboard:notes sign the board and wait
// for each other's note; the read-only watcher reads both notes and is refused a write; the
// bystander, granted nothing, finds nothing. The exit status is the number of failures.
#include <user/libgehri/Gehri.h>

using namespace gehri;

namespace {

constexpr uint64_t patience_ns = 10'000'000'000;
int s_failures = 0;
char s_name[32];

void check(bool condition, StringView what)
{
    if (!condition) {
        ++s_failures;
        println("grant-demo: {}: FAILED: {}", StringView(s_name), what);
    }
}

void chat(Channel& channel)
{
    auto greeting = FixedString<64>::formatted("hello from {}", StringView(s_name));
    check(channel.write(greeting.view()).is_ok(), "write to channel:chat");
    char buffer[64];
    auto received = channel.read(buffer, sizeof(buffer), patience_ns);
    check(received.is_ok(), "read from channel:chat");
    if (received.is_ok())
        println("grant-demo: {} got '{}' over channel:chat", StringView(s_name), StringView(buffer, received.value().size));
}

bool has_note(const Blackboard& board, StringView key)
{
    char value[16];
    return board.get(key, value, sizeof(value)).is_ok();
}

// Both writers' notes, waited for by polling (the other writer may not have started yet).
bool both_notes(const Blackboard& board)
{
    for (uint64_t give_up = system::clock_now_ns() + patience_ns; system::clock_now_ns() < give_up;) {
        if (has_note(board, "grant-a") && has_note(board, "grant-b"))
            return true;
        (void)system::sleep_ns(1'000'000);
    }
    return false;
}

void use_board(Blackboard& board)
{
    auto put = board.put(StringView(s_name), "here", 4);
    bool writer = StringView(s_name) != "grant-watcher";
    if (writer) {
        check(put.is_ok(), "put on blackboard:notes");
    } else {
        check(put.is_error() && put.error() == Error::AccessDenied, "a read-only board refuses a put");
    }
    check(both_notes(board), "both writers' notes on blackboard:notes");
    if (!writer && s_failures == 0)
        println("grant-demo: {} read both notes on blackboard:notes; its own write was refused", StringView(s_name));
}

} // namespace

int main(Agent& self)
{
    auto info = system::agent_info(self.handle().value());
    if (info.is_error())
        return 100;
    __builtin_memcpy(s_name, info.value().name, sizeof(s_name) - 1);
    auto channel_handle = self.capability("channel:chat");
    auto board_handle = self.capability("blackboard:notes");
    if (channel_handle.is_ok()) {
        Channel channel(channel_handle.release_value());
        chat(channel);
        check(self.capability("channel:chat").is_error(), "a grant is taken once");
    }
    if (board_handle.is_ok()) {
        Blackboard board(board_handle.release_value());
        use_board(board);
    }
    if (channel_handle.is_error() && board_handle.is_error()) {
        check(channel_handle.error() == Error::NotFound && board_handle.error() == Error::NotFound, "NotFound for what was not granted");
        println("grant-demo: {} has no channel and no board", StringView(s_name));
    }
    return s_failures;
}

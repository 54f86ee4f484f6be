// The blackboard between agents, end to end (kernel/tests runs it; exit status = failures):
// versions, compare-and-swap, deletes, watches on keys and prefixes (including on a key that is
// deleted), overflow, quotas, rights and bad input, and a second agent (argument 1) whose
// writes the kernel stamps with its own id.
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Blackboard;
using gehri::Error;
using gehri::Handle;
using gehri::Rights;
namespace abi = gehri::abi;

constexpr uint64_t second = 1'000'000'000;
int s_failures = 0;

void check(bool condition, const char* what)
{
    if (!condition) {
        ++s_failures;
        gehri::println("board: FAILED: {}", what);
    }
}

template<typename T>
void check_error(const gehri::Result<T>& result, Error expected, const char* what)
{
    if (result.is_ok() || result.error() != expected) {
        ++s_failures;
        gehri::println("board: FAILED: {}: expected {}, got {}", what, gehri::error_name(expected),
            result.is_ok() ? "success" : gehri::error_name(result.error()));
    }
}

int writer_agent()
{
    auto handle = gehri::bootstrap_handle();
    if (handle.is_error())
        return 100;
    Blackboard board(handle.release_value());
    return board.put("swarm/child", "hi", 2).is_ok() ? 0 : 101;
}

void check_basics(const Blackboard& board)
{
    char value[64];
    check_error(board.get("missing", value, sizeof(value)), Error::NotFound, "get of a missing key");
    auto first = board.put("k", "one", 3);
    auto second_version = board.put("k", "two", 3);
    check(first.is_ok() && second_version.is_ok() && second_version.value() > first.value(), "versions grow");
    auto entry = board.get("k", value, sizeof(value));
    check(entry.is_ok() && entry.value().size == 3 && __builtin_memcmp(value, "two", 3) == 0, "get returns the last value");
    check(entry.is_ok() && entry.value().writer == gehri::this_agent().id() && entry.value().created_version == first.value(),
        "the entry records its writer and creation");
    check_error(board.get("k", value, 1), Error::BufferTooSmall, "get into a 1-byte buffer");
    check_error(board.compare_and_swap("k", first.value(), "x", 1), Error::VersionMismatch, "CAS at an old version");
    check(board.compare_and_swap("k", second_version.value(), "three", 5).is_ok(), "CAS at the current version");
    check_error(board.compare_and_swap("k", 0, "x", 1), Error::VersionMismatch, "CAS 'only if absent' on a present key");
    check(board.compare_and_swap("fresh", 0, "x", 1).is_ok(), "CAS 'only if absent' on an absent key");
    check_error(board.remove("k", first.value()), Error::VersionMismatch, "delete at an old version");
    check_error(board.remove("nothing"), Error::NotFound, "delete of a missing key");

    // Bad input.
    char long_key[abi::max_key_bytes + 1];
    for (char& c : long_key)
        c = 'k';
    check_error(board.put({ long_key, sizeof(long_key) }, "x", 1), Error::TooLarge, "a key over 256 bytes");
    check_error(board.put("", "x", 1), Error::InvalidArgument, "an empty key");
    static uint8_t big[abi::max_message_bytes + 1];
    check_error(board.put("big", big, sizeof(big)), Error::TooLarge, "a value over 64 KiB");
    check_error(board.watch("k", abi::WatchScope::Key, 0), Error::InvalidArgument, "a watch with no room for events");

    // Quota: 1 MiB per agent on a board, 64 KiB values.
    int stored = 0;
    gehri::Result<uint64_t> put = 0;
    for (; stored < 20; ++stored) {
        char key[] = { 'q', static_cast<char>('a' + stored) };
        put = board.put({ key, sizeof(key) }, big, abi::max_message_bytes);
        if (put.is_error())
            break;
    }
    check_error(put, Error::QuotaExceeded, "puts past the per-agent quota");
    check(stored >= 14 && stored < 16, "about 1 MiB of 64-KiB values fit the quota");
    for (int i = 0; i < stored; ++i) {
        char key[] = { 'q', static_cast<char>('a' + i) };
        (void)board.remove({ key, sizeof(key) });
    }
    check(board.put("after-refund", big, abi::max_message_bytes).is_ok(), "deleting refunds the quota");

    // Rights: a read-only handle cannot write.
    auto read_only = board.handle().duplicate(Rights::Read);
    if (read_only.is_ok()) {
        Blackboard reader(read_only.release_value());
        check_error(reader.put("k", "x", 1), Error::AccessDenied, "put without the Write right");
        check(reader.get("fresh", value, sizeof(value)).is_ok(), "get with the Read right");
    }
}

void check_watches(gehri::Agent& self, const Blackboard& board)
{
    char key[abi::max_key_bytes];
    auto on_key = board.watch("w/key").release_value();
    auto on_prefix = board.watch("swarm/", abi::WatchScope::Prefix).release_value();
    check_error(on_key.next(key, sizeof(key), 0), Error::WouldBlock, "a watch with nothing yet, polling");
    check_error(on_key.next(key, sizeof(key), 1'000'000), Error::TimedOut, "a watch with nothing yet, with a timeout");
    auto put = board.put("w/key", "v", 1).release_value();
    auto deleted = board.remove("w/key").release_value();
    auto event = on_key.next(key, sizeof(key), 0);
    check(event.is_ok() && event.value().kind == abi::WatchEventKind::Put && event.value().version == put, "the watch saw the put");
    check_error(on_key.next(key, 2, 0), Error::BufferTooSmall, "a watch event into a 2-byte key buffer");
    event = on_key.next(key, sizeof(key), 0);
    check(event.is_ok() && event.value().kind == abi::WatchEventKind::Delete && event.value().version == deleted, "the watch on a deleted key saw the delete");
    check(event.is_ok() && event.value().key_length == 5 && __builtin_memcmp(key, "w/key", 5) == 0, "the event names its key");

    // Another agent writes; the kernel stamps its id on the entry and the event.
    auto duplicate = board.handle().duplicate(Rights::Read | Rights::Write | Rights::Transfer);
    Handle bootstrap = duplicate.release_value();
    auto child = gehri::spawn(self.handle(), { .program = "bin/board", .name = "board-writer", .argument = 1, .memory_quota = 256 * 1024, .bootstrap = &bootstrap });
    check(child.is_ok(), "spawn the writer");
    if (child.is_ok()) {
        uint64_t child_id = child.value().info().value().id;
        // Waiting on the watch handle with WaitMany, then reading it.
        gehri::WaitSet set;
        (void)set.add(on_prefix.handle(), abi::signal::readable);
        check(set.wait(10 * second).is_ok(), "the prefix watch turns readable");
        auto from_child = on_prefix.next(key, sizeof(key), 0);
        check(from_child.is_ok() && from_child.value().writer == child_id, "the child's write carries the child's id");
        check(child.value().wait(10 * second).is_ok(), "the writer ends");
    }

    // Overflow: a watch with room for 2 events sees 2, then the flag.
    auto small = board.watch("o", abi::WatchScope::Key, 2).release_value();
    for (int i = 0; i < 4; ++i)
        (void)board.put("o", "x", 1);
    gehri::WaitSet overflow;
    (void)overflow.add(small.handle(), abi::signal::overflowed);
    check(overflow.wait(0).is_ok(), "the overflowed signal is up");
    auto kept = small.next(key, sizeof(key), 0);
    check(kept.is_ok() && kept.value().overflowed, "the next event reports the overflow");
    check(small.next(key, sizeof(key), 0).is_ok(), "the second kept event");
    check_error(small.next(key, sizeof(key), 0), Error::WouldBlock, "no more events");
}

} // namespace

int main(gehri::Agent& self)
{
    if (self.argument() == 1)
        return writer_agent();
    auto board = Blackboard::create();
    if (board.is_error())
        return 100;
    check_basics(board.value());
    check_watches(self, board.value());
    gehri::println("board: {} failures", s_failures);
    return s_failures;
}

#pragma once

#include <kernel/collective/Outbox.h>
#include <user/libgehri/Channel.h>
#include <user/libgehri/Collective.h>
#include <user/libgehri/Gehri.h>

// What the swarm test agents (agents/swarm-*) share: counting checks, printing
// "<name>: N passed, N failed" (the exit status is the failure count), spawning members with a
// channel to talk over, a member's enrollment, and waiting for a collective event of one kind.
// Header-only: each agent directory is its own program.
namespace swarm {

using gehri::Error;
using gehri::StringView;
using gehri::collective::EventKind;
namespace abi = gehri::abi;
namespace system = gehri::system;

constexpr uint64_t millisecond = 1'000'000;
constexpr uint64_t second = 1000 * millisecond;

// collective::Verdict and LeaseEnd as the events carry them (kernel/collective/ProposalBoard.h,
// LeaseManager.h).
constexpr uint64_t verdict_decided = 0;
constexpr uint64_t verdict_tie = 2;
constexpr uint64_t verdict_no_majority = 3;
constexpr uint64_t lease_end_expired = 1;
constexpr uint64_t lease_end_holder_died = 2;

class Checks {
public:
    explicit Checks(StringView name)
        : m_name(name)
    {
    }

    bool expect(StringView what, bool condition)
    {
        if (condition) {
            ++m_passed;
            return true;
        }
        ++m_failed;
        gehri::println("{}: FAIL {}", m_name, what);
        return false;
    }

    template<typename T>
    bool expect_error(StringView what, const gehri::Result<T>& result, Error expected)
    {
        if (result.is_error() && result.error() == expected) {
            ++m_passed;
            return true;
        }
        ++m_failed;
        gehri::println("{}: FAIL {}: got {}, expected {}", m_name, what, result.is_error() ? gehri::error_name(result.error()) : StringView("success"),
            gehri::error_name(expected));
        return false;
    }

    template<typename T>
    bool expect_ok(StringView what, const gehri::Result<T>& result)
    {
        if (result.is_ok()) {
            ++m_passed;
            return true;
        }
        ++m_failed;
        gehri::println("{}: FAIL {}: {}", m_name, what, gehri::error_name(result.error()));
        return false;
    }

    // Adds a child's failures (its exit status) to ours.
    void absorb(StringView who, const gehri::Result<abi::ExitInfo>& exit)
    {
        bool clean = exit.is_ok() && exit.value().reason == abi::ExitReason::Exited && exit.value().status == 0;
        if (!clean)
            gehri::println("{}: {} ended badly (status {})", m_name, who, exit.is_ok() ? exit.value().status : -1);
        expect(who, clean);
    }

    int report() const
    {
        gehri::println("{}: {} passed, {} failed", m_name, m_passed, m_failed);
        return m_failed;
    }

    int failed() const { return m_failed; }

private:
    StringView m_name;
    int m_passed { 0 };
    int m_failed { 0 };
};

// Each swarm program is its own coordinator and its members: the top byte of the spawn argument
// names a member's role (0: the coordinator), the rest is the program's own.
constexpr uint64_t role_shift = 56;
constexpr uint64_t role_mask = 0xffull << role_shift;
constexpr uint64_t role_member = 1ull << role_shift;
constexpr uint64_t role_of(uint64_t argument) { return argument & role_mask; }

// A member and the coordinator's end of the channel the member was born with.
struct Member {
    gehri::ChildAgent agent;
    gehri::Channel channel;
    uint64_t id { 0 };

    // The member's next one-letter report; '?' if none comes in time.
    char report(uint64_t timeout = 20 * second)
    {
        char word = 0;
        return channel.read(&word, 1, timeout).is_ok() ? word : '?';
    }
};

// Spawns a member with one end of a new channel as its bootstrap handle (options.bootstrap is
// set here). Returns false, a failed check recorded, if it could not.
inline bool spawn_member(Checks& checks, const gehri::Agent& self, gehri::SpawnOptions options, Member& member)
{
    auto pair = gehri::Channel::create();
    if (!checks.expect_ok("a channel", pair))
        return false;
    member.channel = std::move(pair.value().first);
    gehri::Handle end = pair.value().second.release_handle();
    options.bootstrap = &end;
    auto child = gehri::spawn(self.handle(), options);
    if (!checks.expect_ok("spawn a member", child))
        return false;
    member.agent = std::move(child.value());
    auto info = member.agent.info();
    if (!checks.expect_ok("a member's id", info))
        return false;
    member.id = info.value().id;
    return true;
}

// A member's first step: ratings name enrolled agents only, and any collective call enrolls
// (rating oneself, which is refused), then it says 'e' so the coordinator knows.
inline void enroll(Checks& checks, uint64_t me, uint64_t my_id, gehri::Channel& channel)
{
    checks.expect_error("rate oneself", system::reputation_report(me, my_id, 1, 0), Error::InvalidArgument);
    checks.expect_ok("say it is enrolled", channel.write("e"));
}

// The next event of `kind` within `timeout` (0: only those already queued); events of other
// kinds are skipped (and lost).
inline gehri::Result<abi::CollectiveEvent> next_event(uint64_t self, EventKind kind, uint64_t timeout)
{
    uint64_t deadline = system::clock_now_ns() + timeout;
    for (;;) {
        uint64_t now = system::clock_now_ns();
        auto event = TRY(system::event_take(self, now >= deadline ? 0 : deadline - now));
        if (event.kind == static_cast<uint32_t>(kind))
            return event;
    }
}

inline bool is_event(const gehri::Result<abi::CollectiveEvent>& event, EventKind kind, uint64_t subject)
{
    return event.is_ok() && event.value().kind == static_cast<uint32_t>(kind) && event.value().subject == subject;
}

} // namespace swarm

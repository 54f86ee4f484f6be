#pragma once

#include <kernel/collective/Outbox.h>
#include <user/libgehri/Collective.h>
#include <user/libgehri/Gehri.h>

// What the swarm test agents (agents/swarm-*) share: counting checks, printing
// "<name>: N passed, N failed" (the exit status is the failure count), and waiting for a
// collective event of one kind. Header-only: each agent directory is its own program.
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

#pragma once

#include <kernel/collective/Types.h>
#include <kernel/lib/Result.h>

namespace gehri::collective {

// A credit budget: holds at most `capacity` tokens and regains `refill_tokens` every
// `refill_period` nanoseconds, continuously. Exact integer arithmetic: the fraction of a token
// accrued but not yet whole is carried (as token-nanoseconds, < refill_period) from one refill
// to the next, so over any run the tokens credited are exactly
// floor(refill_tokens * elapsed / refill_period) while the bucket is below capacity.
// A full bucket accrues nothing, not even the fraction.
//
// Charges that exceed the balance (charge(), for costs known only after the fact) become debt,
// which refills and refunds pay off before the balance grows again.
//
// Time must not go backwards: a `now` earlier than the last one seen refills nothing.
// Not synchronized: the owning service serializes access.
class TokenBucket {
public:
    static Result<TokenBucket> create(uint64_t capacity, uint64_t refill_tokens, Nanoseconds refill_period,
        Nanoseconds now, uint64_t initial_tokens);
    // The common case: `tokens_per_second` tokens a second, starting full.
    static Result<TokenBucket> per_second(uint64_t capacity, uint64_t tokens_per_second, Nanoseconds now);

    // Tokens available at `now` (0 while in debt).
    uint64_t available(Nanoseconds now);
    // Takes `tokens` if the balance covers them; otherwise QuotaExceeded and nothing changes.
    Result<void> try_charge(uint64_t tokens, Nanoseconds now);
    // Takes `tokens` unconditionally; what the balance does not cover becomes debt (saturating).
    void charge(uint64_t tokens, Nanoseconds now);
    // Gives tokens back (an unused reservation, a lost auction): pays debt first, then fills up
    // to capacity; the excess is dropped.
    void refund(uint64_t tokens);
    // Nanoseconds from `now` until `tokens` are available (0 if they are now). OutOfRange if
    // that never happens: more than capacity, no refill, or beyond 2^64 ns.
    Result<Nanoseconds> time_until_available(uint64_t tokens, Nanoseconds now);

    uint64_t capacity() const { return m_capacity; }
    uint64_t debt() const { return m_debt; }
    // The accrued fraction of the next token, in token-nanoseconds (< refill_period).
    uint64_t carried_fraction() const { return m_fraction; }

private:
    TokenBucket(uint64_t capacity, uint64_t refill_tokens, Nanoseconds refill_period, Nanoseconds now, uint64_t tokens)
        : m_capacity(capacity)
        , m_refill_tokens(refill_tokens)
        , m_refill_period(refill_period)
        , m_last_refill(now)
        , m_tokens(tokens)
    {
    }

    void refill(Nanoseconds now);

    uint64_t m_capacity;
    uint64_t m_refill_tokens;
    Nanoseconds m_refill_period;
    Nanoseconds m_last_refill;
    uint64_t m_tokens;
    uint64_t m_debt { 0 };
    uint64_t m_fraction { 0 };
};

} // namespace gehri::collective

#include <kernel/collective/TokenBucket.h>
#include <kernel/lib/WideArithmetic.h>

namespace gehri::collective {

Result<TokenBucket> TokenBucket::create(uint64_t capacity, uint64_t refill_tokens, Nanoseconds refill_period,
    Nanoseconds now, uint64_t initial_tokens)
{
    if (capacity == 0 || refill_period == 0 || initial_tokens > capacity)
        return Error::InvalidArgument;
    return TokenBucket(capacity, refill_tokens, refill_period, now, initial_tokens);
}

Result<TokenBucket> TokenBucket::per_second(uint64_t capacity, uint64_t tokens_per_second, Nanoseconds now)
{
    return create(capacity, tokens_per_second, nanoseconds_per_second, now, capacity);
}

void TokenBucket::refill(Nanoseconds now)
{
    if (now <= m_last_refill)
        return;
    Nanoseconds elapsed = now - m_last_refill;
    m_last_refill = now;
    if (m_tokens == m_capacity && m_debt == 0)
        return;
    // (2^64-1)^2 + 2^64 < 2^128: the accrual cannot overflow whatever the elapsed time.
    UInt128 accrued = multiply_wide(elapsed, m_refill_tokens) + m_fraction;
    auto division = divide_wide(accrued, m_refill_period);
    m_fraction = division.remainder;
    UInt128 whole = division.quotient;
    if (whole < m_debt) {
        m_debt -= static_cast<uint64_t>(whole);
        return;
    }
    whole -= m_debt;
    m_debt = 0;
    if (whole >= m_capacity - m_tokens) {
        m_tokens = m_capacity;
        m_fraction = 0;
        return;
    }
    m_tokens += static_cast<uint64_t>(whole);
}

uint64_t TokenBucket::available(Nanoseconds now)
{
    refill(now);
    return m_tokens;
}

Result<void> TokenBucket::try_charge(uint64_t tokens, Nanoseconds now)
{
    refill(now);
    if (tokens > m_tokens)
        return Error::QuotaExceeded;
    m_tokens -= tokens;
    return {};
}

void TokenBucket::charge(uint64_t tokens, Nanoseconds now)
{
    refill(now);
    if (tokens <= m_tokens) {
        m_tokens -= tokens;
        return;
    }
    m_debt = saturating_add(m_debt, tokens - m_tokens);
    m_tokens = 0;
}

void TokenBucket::refund(uint64_t tokens)
{
    if (tokens < m_debt) {
        m_debt -= tokens;
        return;
    }
    tokens -= m_debt;
    m_debt = 0;
    if (tokens >= m_capacity - m_tokens) {
        m_tokens = m_capacity;
        m_fraction = 0; // full: like a refill that reaches capacity
        return;
    }
    m_tokens += tokens;
}

Result<Nanoseconds> TokenBucket::time_until_available(uint64_t tokens, Nanoseconds now)
{
    refill(now);
    if (tokens > m_capacity)
        return Error::OutOfRange;
    if (m_debt == 0 && tokens <= m_tokens)
        return Nanoseconds { 0 };
    if (m_refill_tokens == 0)
        return Error::OutOfRange;
    uint64_t missing = 0;
    if (add_overflows(m_debt, tokens - m_tokens, missing))
        return Error::OutOfRange;
    // Whole tokens accrue once refill_tokens * t + fraction >= missing * period; solve for the
    // smallest integer t. missing >= 1 and fraction < period, so the difference is positive.
    UInt128 needed = multiply_wide(missing, m_refill_period) - m_fraction;
    auto division = divide_wide(needed + (m_refill_tokens - 1), m_refill_tokens);
    if (high_half(division.quotient) != 0)
        return Error::OutOfRange;
    return low_half(division.quotient);
}

} // namespace gehri::collective

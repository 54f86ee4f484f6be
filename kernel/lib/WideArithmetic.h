#pragma once

#include <bit>
#include <stdint.h>

namespace gehri {

// 128-bit unsigned integers for exact intermediate products (a 64x64-bit product, a weight
// times a fraction). GCC inlines 128-bit add, subtract, multiply, shift and compare on x86_64,
// but 128-bit division and modulo become calls into libgcc (__udivti3), which is not built for
// the kernel (red zone, code model). So: never write `/` or `%` on a UInt128; use
// divide_wide() below.
__extension__ typedef unsigned __int128 UInt128;

constexpr UInt128 multiply_wide(uint64_t a, uint64_t b) { return static_cast<UInt128>(a) * b; }
constexpr uint64_t high_half(UInt128 value) { return static_cast<uint64_t>(value >> 64); }
constexpr uint64_t low_half(UInt128 value) { return static_cast<uint64_t>(value); }
constexpr UInt128 make_wide(uint64_t high, uint64_t low) { return (static_cast<UInt128>(high) << 64) | low; }

struct NarrowDivision {
    uint64_t quotient;
    uint64_t remainder;
};

// (high:low) / divisor when the quotient fits in 64 bits (high < divisor), using only 64-bit
// divisions: Knuth's algorithm D on 32-bit digits (Hacker's Delight, divlu).
constexpr NarrowDivision divide_narrow(uint64_t high, uint64_t low, uint64_t divisor)
{
    constexpr uint64_t base = 1ull << 32;
    constexpr uint64_t digit_mask = base - 1;
    int shift = std::countl_zero(divisor);
    uint64_t v = divisor << shift;
    uint64_t v_high = v >> 32;
    uint64_t v_low = v & digit_mask;
    uint64_t u32 = (high << shift) | (shift == 0 ? 0 : low >> (64 - shift));
    uint64_t u10 = low << shift;
    uint64_t u1 = u10 >> 32;
    uint64_t u0 = u10 & digit_mask;

    uint64_t q1 = u32 / v_high;
    uint64_t rhat = u32 - q1 * v_high;
    while (q1 >= base || q1 * v_low > base * rhat + u1) {
        --q1;
        rhat += v_high;
        if (rhat >= base)
            break;
    }
    uint64_t u21 = u32 * base + u1 - q1 * v;
    uint64_t q0 = u21 / v_high;
    rhat = u21 - q0 * v_high;
    while (q0 >= base || q0 * v_low > base * rhat + u0) {
        --q0;
        rhat += v_high;
        if (rhat >= base)
            break;
    }
    return { q1 * base + q0, (u21 * base + u0 - q0 * v) >> shift };
}

struct WideDivision {
    UInt128 quotient;
    uint64_t remainder;
};

// Exact 128-by-64-bit division. divisor must not be zero.
constexpr WideDivision divide_wide(UInt128 dividend, uint64_t divisor)
{
    uint64_t high = high_half(dividend);
    uint64_t quotient_high = high / divisor;
    auto low_part = divide_narrow(high % divisor, low_half(dividend), divisor);
    return { make_wide(quotient_high, low_part.quotient), low_part.remainder };
}

// floor(a * b / divisor), exact; false if the result does not fit in 64 bits.
constexpr bool multiply_divide(uint64_t a, uint64_t b, uint64_t divisor, uint64_t& result)
{
    UInt128 product = multiply_wide(a, b);
    if (high_half(product) >= divisor)
        return false;
    result = divide_narrow(high_half(product), low_half(product), divisor).quotient;
    return true;
}

constexpr bool add_overflows(uint64_t a, uint64_t b, uint64_t& sum) { return __builtin_add_overflow(a, b, &sum); }

constexpr uint64_t saturating_add(uint64_t a, uint64_t b)
{
    uint64_t sum = 0;
    return add_overflows(a, b, sum) ? UINT64_MAX : sum;
}

} // namespace gehri

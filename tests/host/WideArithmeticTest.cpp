#include <gtest/gtest.h>
#include <kernel/lib/WideArithmetic.h>
#include <random>

using namespace gehri;

// The kernel's own 128-by-64 division against the compiler's (libgcc, available on the host).
TEST(WideArithmetic, DivideWideMatchesNativeDivision)
{
    std::mt19937_64 random(7);
    auto check = [](UInt128 dividend, uint64_t divisor) {
        auto result = divide_wide(dividend, divisor);
        ASSERT_TRUE(result.quotient == dividend / divisor);
        ASSERT_EQ(result.remainder, static_cast<uint64_t>(dividend % divisor));
    };
    const uint64_t edges[] = { 1, 2, 3, 0xffffffffull, 0x100000000ull, 0x100000001ull, uint64_t { 1 } << 63, UINT64_MAX, UINT64_MAX - 1 };
    for (uint64_t high : edges) {
        for (uint64_t low : edges) {
            for (uint64_t divisor : edges)
                check(make_wide(high, low), divisor);
        }
    }
    for (int i = 0; i < 200000; ++i) {
        int divisor_bits = 1 + random() % 64;
        uint64_t divisor = random() >> (64 - divisor_bits);
        if (divisor == 0)
            divisor = 1;
        int dividend_shift = random() % 128;
        UInt128 dividend = make_wide(random(), random()) >> dividend_shift;
        check(dividend, divisor);
    }
}

TEST(WideArithmetic, MultiplyDivide)
{
    uint64_t result = 0;
    ASSERT_TRUE(multiply_divide(UINT64_MAX, UINT64_MAX, UINT64_MAX, result));
    EXPECT_EQ(result, UINT64_MAX);
    ASSERT_TRUE(multiply_divide(10, 7, 3, result));
    EXPECT_EQ(result, 23u);
    EXPECT_FALSE(multiply_divide(UINT64_MAX, 2, 1, result));
    EXPECT_EQ(saturating_add(UINT64_MAX, 1), UINT64_MAX);
    EXPECT_EQ(saturating_add(2, 3), 5u);
}

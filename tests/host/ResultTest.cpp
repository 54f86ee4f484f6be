#include <gtest/gtest.h>
#include <kernel/lib/Result.h>

using namespace gehri;

namespace {
Result<int> parse_positive(int value)
{
    if (value <= 0)
        return Error::InvalidArgument;
    return value;
}

Result<int> doubled(int value)
{
    int parsed = TRY(parse_positive(value));
    return parsed * 2;
}

struct MoveOnly {
    explicit MoveOnly(int v) : value(v) { }
    MoveOnly(MoveOnly&& other) : value(other.value) { other.value = -1; }
    MoveOnly(const MoveOnly&) = delete;
    int value;
};
} // namespace

TEST(Result, ValueAndErrorPropagate)
{
    EXPECT_EQ(doubled(4).value(), 8);
    auto failure = doubled(-1);
    ASSERT_TRUE(failure.is_error());
    EXPECT_EQ(failure.error(), Error::InvalidArgument);
}

TEST(Result, HoldsMoveOnlyValues)
{
    Result<MoveOnly> result(MoveOnly(7));
    MoveOnly taken = result.release_value();
    EXPECT_EQ(taken.value, 7);
}

TEST(Result, VoidResult)
{
    Result<void> ok;
    Result<void> bad(Error::NotFound);
    EXPECT_TRUE(ok.is_ok());
    EXPECT_EQ(bad.error(), Error::NotFound);
    EXPECT_STREQ(error_name(bad.error()), "NotFound");
}

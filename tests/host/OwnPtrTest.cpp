#include <gtest/gtest.h>
#include <kernel/lib/OwnPtr.h>

using namespace gehri;

namespace {
struct Counted {
    explicit Counted(int v, int& live)
        : value(v)
        , live_count(live)
    {
        ++live_count;
    }
    virtual ~Counted() { --live_count; }
    int value;
    int& live_count;
};
struct Derived : Counted {
    using Counted::Counted;
};
} // namespace

TEST(OwnPtr, DeletesExactlyOnceAcrossMoves)
{
    int live = 0;
    {
        auto made = make_owned<Counted>(7, live);
        ASSERT_TRUE(made.is_ok());
        OwnPtr<Counted> owner = made.release_value();
        EXPECT_EQ(live, 1);
        EXPECT_EQ(owner->value, 7);
        OwnPtr<Counted> moved = std::move(owner);
        EXPECT_FALSE(owner);
        EXPECT_TRUE(moved);
        moved = make_owned<Counted>(8, live).release_value(); // replaces and deletes the first
        EXPECT_EQ(live, 1);
        EXPECT_EQ((*moved).value, 8);
        OwnPtr<Counted> base = make_owned<Derived>(9, live).release_value();
        EXPECT_EQ(live, 2);
    }
    EXPECT_EQ(live, 0);
}

TEST(OwnPtr, LeakAndResetTransferOwnership)
{
    int live = 0;
    auto owner = make_owned<Counted>(1, live).release_value();
    Counted* raw = owner.leak();
    EXPECT_FALSE(owner);
    EXPECT_EQ(live, 1);
    owner.reset(raw);
    owner.reset();
    EXPECT_EQ(live, 0);
}

TEST(OwnPtr, NullAllocationBecomesOutOfMemory)
{
    auto result = adopt_own_if_nonnull<int>(nullptr);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), Error::OutOfMemory);
}

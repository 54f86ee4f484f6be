#include <cstdio>
#include <gtest/gtest.h>

namespace {

// Every Gehri test runner ends with the same line: "N passed, N failed".
class SummaryLine final : public testing::EmptyTestEventListener {
    void OnTestProgramEnd(const testing::UnitTest& unit_test) override
    {
        std::printf("host: %d passed, %d failed\n", unit_test.successful_test_count(), unit_test.failed_test_count());
    }
};

} // namespace

int main(int argc, char** argv)
{
    testing::InitGoogleTest(&argc, argv);
    testing::UnitTest::GetInstance()->listeners().Append(new SummaryLine);
    return RUN_ALL_TESTS();
}

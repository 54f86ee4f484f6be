#include <gtest/gtest.h>
#include <kernel/lib/Format.h>
#include <string>

using namespace gehri;

namespace {
template<typename... Args>
std::string formatted(StringView format_string, const Args&... args)
{
    char buffer[256];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, format_string, args...);
    return std::string(sink.view().characters(), sink.view().length());
}
} // namespace

TEST(Format, PlainTextAndArguments)
{
    EXPECT_EQ(formatted("hello"), "hello");
    EXPECT_EQ(formatted("{} + {} = {}", 1, 2, 3), "1 + 2 = 3");
    EXPECT_EQ(formatted("{}", "text"), "text");
    EXPECT_EQ(formatted("{}", StringView("view")), "view");
    EXPECT_EQ(formatted("{}", true), "true");
    EXPECT_EQ(formatted("{}", 'c'), "c");
}

TEST(Format, Integers)
{
    EXPECT_EQ(formatted("{}", -42), "-42");
    EXPECT_EQ(formatted("{}", INT64_MIN), "-9223372036854775808");
    EXPECT_EQ(formatted("{}", UINT64_MAX), "18446744073709551615");
    EXPECT_EQ(formatted("{:x}", 255u), "ff");
    EXPECT_EQ(formatted("{:X}", 255u), "FF");
    EXPECT_EQ(formatted("{:#x}", 255u), "0xff");
    EXPECT_EQ(formatted("{:016x}", 0xabcu), "0000000000000abc");
    EXPECT_EQ(formatted("{:#010x}", 0xabcu), "0x00000abc");
    EXPECT_EQ(formatted("{:b}", 5u), "101");
    EXPECT_EQ(formatted("{:5}", 42), "   42");
    EXPECT_EQ(formatted("{:<5}|", 42), "42   |");
    EXPECT_EQ(formatted("{:05}", -42), "-0042");
}

TEST(Format, Pointers)
{
    EXPECT_EQ(formatted("{}", reinterpret_cast<void*>(0x1000)), "0x0000000000001000");
}

TEST(Format, EscapesAndMissingArguments)
{
    EXPECT_EQ(formatted("{{}}"), "{}");
    EXPECT_EQ(formatted("{} {}", 1), "1 {?}");
}

TEST(Format, TruncatesAtCapacity)
{
    char buffer[6];
    BufferSink sink(buffer, sizeof(buffer));
    format_to(sink, "{}", "abcdefgh");
    EXPECT_TRUE(sink.truncated());
    EXPECT_STREQ(buffer, "abcde");
}

#include <gtest/gtest.h>
#include <kernel/console/Utf8Decoder.h>
#include <string>
#include <vector>

using namespace gehri::console;

namespace {
std::vector<uint32_t> decode(const std::string& bytes, bool flush = true)
{
    Utf8Decoder decoder;
    std::vector<uint32_t> result;
    uint32_t out[2];
    for (char c : bytes) {
        size_t n = decoder.feed(static_cast<uint8_t>(c), out);
        result.insert(result.end(), out, out + n);
    }
    if (flush && decoder.flush(out))
        result.push_back(out[0]);
    return result;
}
constexpr uint32_t bad = Utf8Decoder::replacement_character;
} // namespace

TEST(Utf8Decoder, ValidSequences)
{
    EXPECT_EQ(decode("Az"), (std::vector<uint32_t> { 'A', 'z' }));
    EXPECT_EQ(decode("\xC3\xA9"), (std::vector<uint32_t> { 0xE9 }));
    EXPECT_EQ(decode("\xE2\x94\x80"), (std::vector<uint32_t> { 0x2500 }));
    EXPECT_EQ(decode("\xF0\x9F\x98\x80"), (std::vector<uint32_t> { 0x1F600 }));
    EXPECT_EQ(decode("\xF4\x8F\xBF\xBF"), (std::vector<uint32_t> { 0x10FFFF }));
}

TEST(Utf8Decoder, InvalidBytesBecomeReplacementCharacters)
{
    EXPECT_EQ(decode("\x80"), (std::vector<uint32_t> { bad })); // stray continuation
    EXPECT_EQ(decode("\xC0\x80"), (std::vector<uint32_t> { bad, bad })); // overlong NUL
    EXPECT_EQ(decode("\xE0\x80\x80"), (std::vector<uint32_t> { bad })); // overlong 3-byte
    EXPECT_EQ(decode("\xF0\x80\x80\x80"), (std::vector<uint32_t> { bad })); // overlong 4-byte
    EXPECT_EQ(decode("\xED\xA0\x80"), (std::vector<uint32_t> { bad })); // surrogate
    EXPECT_EQ(decode("\xF4\x90\x80\x80"), (std::vector<uint32_t> { bad })); // above U+10FFFF
    EXPECT_EQ(decode("\xFF"), (std::vector<uint32_t> { bad }));
}

TEST(Utf8Decoder, CutShortSequenceKeepsTheNextCharacter)
{
    EXPECT_EQ(decode("\xC3" "A"), (std::vector<uint32_t> { bad, 'A' }));
    EXPECT_EQ(decode("\xE2\x94" "\xC3\xA9"), (std::vector<uint32_t> { bad, 0xE9 }));
    EXPECT_EQ(decode("\xE2\x94", false), (std::vector<uint32_t> {}));
    EXPECT_EQ(decode("\xE2\x94", true), (std::vector<uint32_t> { bad }));
}

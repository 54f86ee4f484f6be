#include <gtest/gtest.h>
#include <kernel/audit/Sha256.h>
#include <algorithm>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::audit;

namespace {

std::string hex_of(const Sha256Digest& digest)
{
    char text[sha256_hex_length];
    to_hex(digest, text);
    return std::string(text, sizeof(text));
}

std::string hash_hex(const std::string& message) { return hex_of(Sha256::digest(message.data(), message.size())); }

// Bytes (i * 7 + 3) mod 256: every byte value occurs, and no block repeats another.
std::string pattern_message(size_t length)
{
    std::string message(length, '\0');
    for (size_t i = 0; i < length; ++i)
        message[i] = static_cast<char>((i * 7 + 3) & 0xff);
    return message;
}

} // namespace

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST(Sha256, NistShortMessage)
{
    EXPECT_EQ(hash_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Nist448BitMessage)
{
    EXPECT_EQ(hash_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Nist896BitMessage)
{
    EXPECT_EQ(hash_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, NistOneMillionA)
{
    std::string message(1000000, 'a');
    EXPECT_EQ(hash_hex(message), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, EmptyMessage)
{
    EXPECT_EQ(hash_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 hasher;
    EXPECT_EQ(hex_of(hasher.finalize()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Lengths where the padding changes shape: 55 bytes still fit the length in the same block,
// 56 need a second block, 64 is a full block. Expected values are python3 hashlib's.
TEST(Sha256, PaddingBoundaries)
{
    struct Case {
        size_t length;
        const char* expected;
    };
    const Case cases[] = {
        { 1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5" },
        { 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
        { 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
        { 57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73" },
        { 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
        { 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
        { 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
        { 111, "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e" },
        { 112, "96b928cff8528dbb99602c709a65b846cb6467acb8b722f0d758e4dc27bfc508" },
        { 119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e" },
        { 120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5" },
        { 127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07" },
        { 128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6" },
        { 129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4" },
        { 1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371" },
    };
    for (const auto& test_case : cases)
        EXPECT_EQ(hash_hex(pattern_message(test_case.length)), test_case.expected) << "length " << test_case.length;
}

// Feeding the same message in pieces of every size from 1 to 130 bytes gives the one-shot digest.
TEST(Sha256, StreamingMatchesOneShot)
{
    std::string message = pattern_message(1000);
    Sha256Digest expected = Sha256::digest(message.data(), message.size());
    for (size_t piece = 1; piece <= 130; ++piece) {
        Sha256 hasher;
        for (size_t offset = 0; offset < message.size(); offset += piece)
            hasher.update(message.data() + offset, std::min(piece, message.size() - offset));
        EXPECT_EQ(hasher.finalize(), expected) << "piece size " << piece;
    }
}

TEST(Sha256, FinalizeResetsForTheNextMessage)
{
    Sha256 hasher;
    hasher.update("junk");
    (void)hasher.finalize();
    hasher.update("abc");
    EXPECT_EQ(hex_of(hasher.finalize()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, HexRoundTripAndRejects)
{
    Sha256Digest digest = Sha256::digest("abc");
    std::string text = hex_of(digest);
    Sha256Digest parsed;
    ASSERT_TRUE(parse_hex(StringView(text.data(), text.size()), parsed));
    EXPECT_EQ(parsed, digest);

    std::string upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
    ASSERT_TRUE(parse_hex(StringView(upper.data(), upper.size()), parsed));
    EXPECT_EQ(parsed, digest);

    Sha256Digest untouched;
    EXPECT_FALSE(parse_hex(StringView(text.data(), 63), untouched));
    std::string bad = text;
    bad[10] = 'g';
    EXPECT_FALSE(parse_hex(StringView(bad.data(), bad.size()), untouched));
    EXPECT_FALSE(parse_hex("", untouched));
}

#include <gtest/gtest.h>
#include <kernel/console/AnsiParser.h>
#include <kernel/console/PlainTextFilter.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::console;
using Action = AnsiParser::Action;

namespace {
// Feeds text and returns every action, as letters: P print, X execute, C csi, E escape, . none.
std::string actions(AnsiParser& parser, const std::string& text)
{
    std::string result;
    for (char c : text) {
        switch (parser.feed(static_cast<uint8_t>(c))) {
        case Action::None: result += '.'; break;
        case Action::Print: result += 'P'; break;
        case Action::Execute: result += 'X'; break;
        case Action::CsiDispatch: result += 'C'; break;
        case Action::EscapeDispatch: result += 'E'; break;
        }
    }
    return result;
}

std::vector<uint16_t> parameters(const AnsiParser& parser)
{
    const auto& csi = parser.csi();
    return { csi.parameters, csi.parameters + csi.parameter_count };
}

class RecordingDevice final : public ConsoleDevice {
public:
    void write(StringView text) override
    {
        received.append(text.characters(), text.length());
        ++writes;
    }
    std::string received;
    size_t writes { 0 };
};
} // namespace

TEST(AnsiParser, TextAndControls)
{
    AnsiParser parser;
    EXPECT_EQ(actions(parser, "ab\n\t\x7f\xc3\xa9"), "PPXXXPP");
}

TEST(AnsiParser, SgrParameters)
{
    AnsiParser parser;
    EXPECT_EQ(actions(parser, "\x1b[1;31m"), "......C");
    EXPECT_EQ(parser.csi().final_byte, 'm');
    EXPECT_EQ(parameters(parser), (std::vector<uint16_t> { 1, 31 }));
    EXPECT_EQ(actions(parser, "\x1b[m"), "..C");
    EXPECT_TRUE(parameters(parser).empty());
    EXPECT_EQ(parser.csi().parameter(0, 7), 7);
}

TEST(AnsiParser, EmptyAndDefaultParameters)
{
    AnsiParser parser;
    actions(parser, "\x1b[;5H");
    EXPECT_EQ(parameters(parser), (std::vector<uint16_t> { 0, 5 }));
    EXPECT_EQ(parser.csi().parameter(0, 1), 1);
    EXPECT_EQ(parser.csi().parameter(1, 1), 5);
    EXPECT_EQ(parser.csi().parameter(2, 1), 1);
    actions(parser, "\x1b[38:5:196m"); // colon sub-parameters count as parameters
    EXPECT_EQ(parameters(parser), (std::vector<uint16_t> { 38, 5, 196 }));
}

TEST(AnsiParser, OversizedParametersAreClamped)
{
    AnsiParser parser;
    std::string many = "\x1b[";
    for (int i = 0; i < 40; ++i)
        many += std::to_string(i) + ";";
    many += "99999999999999999999m";
    EXPECT_EQ(actions(parser, many).back(), 'C');
    EXPECT_EQ(parser.csi().parameter_count, AnsiParser::ControlSequence::max_parameters);
    EXPECT_EQ(parser.csi().parameters[15], 15);
    actions(parser, "\x1b[123456789m");
    EXPECT_EQ(parameters(parser), (std::vector<uint16_t> { AnsiParser::ControlSequence::max_parameter_value }));
}

TEST(AnsiParser, PrivateMarkersAndIntermediates)
{
    AnsiParser parser;
    EXPECT_EQ(actions(parser, "\x1b[?25l"), ".....C");
    EXPECT_EQ(parser.csi().private_marker, '?');
    EXPECT_FALSE(parser.csi().has_intermediate);
    EXPECT_EQ(actions(parser, "\x1b[1 q"), "....C");
    EXPECT_TRUE(parser.csi().has_intermediate);
    actions(parser, "\x1b[1?m"); // a marker after a parameter is malformed
    EXPECT_TRUE(parser.csi().has_intermediate);
    EXPECT_EQ(parser.csi().private_marker, 0);
}

TEST(AnsiParser, UnterminatedSequenceEndsAtAControlCharacter)
{
    AnsiParser parser;
    // The newline cannot continue "ESC[31": the sequence is dropped, the newline executed.
    EXPECT_EQ(actions(parser, "\x1b[31\nA"), "....XP");
    EXPECT_FALSE(parser.in_sequence());
    EXPECT_EQ(actions(parser, "\x1b[31\xc3"), "....P"); // and a UTF-8 byte is text again
    EXPECT_EQ(actions(parser, "\x1b\nB"), ".XP");
    EXPECT_EQ(actions(parser, "\x1b(\nB"), "..XP");
}

TEST(AnsiParser, EscapeRestartsASequence)
{
    AnsiParser parser;
    EXPECT_EQ(actions(parser, "\x1b[31\x1b[32m"), "........C");
    EXPECT_EQ(parameters(parser), (std::vector<uint16_t> { 32 }));
    EXPECT_EQ(actions(parser, "\x1b\x1b[m"), "...C");
}

TEST(AnsiParser, OtherEscapeSequencesAreConsumed)
{
    AnsiParser parser;
    EXPECT_EQ(actions(parser, "\x1b" "c"), ".E");
    EXPECT_EQ(actions(parser, "\x1b(B" "x"), "...P");
    EXPECT_EQ(actions(parser, "\x1b]0;title\x07" "x"), "..........P");
    EXPECT_EQ(actions(parser, "\x1b]2;t\x1b\\" "x"), ".......P");
    // An ESC inside a command that is not the string terminator starts a new sequence.
    EXPECT_EQ(actions(parser, "\x1b]2;t\x1b[m"), ".......C");
}

TEST(AnsiParser, RunawayCommandStringIsDropped)
{
    AnsiParser parser;
    std::string text = "\x1b]" + std::string(600, 'a') + "Z";
    std::string result = actions(parser, text);
    EXPECT_FALSE(parser.in_sequence());
    EXPECT_EQ(result.back(), 'P'); // text after the limit is shown again
}

TEST(PlainTextFilter, RemovesEscapeSequences)
{
    RecordingDevice device;
    PlainTextFilter filter;
    filter.write_to(device, "\x1b[1;97mGehri \x1b[96m0.1\x1b[0;36m (Jatha)\x1b[0m\n");
    EXPECT_EQ(device.received, "Gehri 0.1 (Jatha)\n");
}

TEST(PlainTextFilter, SequenceSplitAcrossWrites)
{
    RecordingDevice device;
    PlainTextFilter filter;
    filter.write_to(device, "a\x1b[3");
    filter.write_to(device, "1mb\x1b");
    filter.write_to(device, "]0;x\x07");
    filter.write_to(device, "c");
    EXPECT_EQ(device.received, "abc");
}

TEST(PlainTextFilter, PlainTextIsOneWrite)
{
    RecordingDevice device;
    PlainTextFilter filter;
    filter.write_to(device, "no escapes here\n");
    EXPECT_EQ(device.received, "no escapes here\n");
    EXPECT_EQ(device.writes, 1u);
    filter.write_to(device, "");
    EXPECT_EQ(device.writes, 1u);
}

TEST(PlainTextFilter, MalformedSequenceKeepsTheFollowingText)
{
    RecordingDevice device;
    PlainTextFilter filter;
    filter.write_to(device, "x\x1b[31\ny");
    EXPECT_EQ(device.received, "x\ny");
}

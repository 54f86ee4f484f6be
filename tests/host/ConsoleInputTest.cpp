#include <gtest/gtest.h>
#include <kernel/console/InputRing.h>
#include <kernel/console/Scancode.h>
#include <kernel/shell/UrgentLine.h>
#include <string>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::console;

namespace {

std::vector<KeyEvent> decode(ScancodeDecoder& decoder, std::initializer_list<uint8_t> bytes)
{
    std::vector<KeyEvent> events;
    for (uint8_t byte : bytes) {
        KeyEvent event {};
        if (decoder.feed(byte, event))
            events.push_back(event);
    }
    return events;
}

shell::UrgentLineWatcher::Urgent feed_text(shell::UrgentLineWatcher& watcher, const std::string& text)
{
    auto urgent = shell::UrgentLineWatcher::Urgent::None;
    for (char c : text) {
        auto result = watcher.feed(static_cast<uint8_t>(c));
        if (result != shell::UrgentLineWatcher::Urgent::None)
            urgent = result;
    }
    return urgent;
}

} // namespace

TEST(Scancode, LettersDigitsAndBreakCodes)
{
    ScancodeDecoder decoder;
    auto events = decode(decoder, { 0x21, 0xA1, 0x02, 0x82, 0x39 });
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].character, 'f');
    EXPECT_TRUE(events[0].pressed);
    EXPECT_EQ(events[1].character, 'f');
    EXPECT_FALSE(events[1].pressed);
    EXPECT_EQ(events[2].character, '1');
    EXPECT_EQ(events[4].character, ' ');
    EXPECT_FALSE(events[0].ctrl || events[0].alt || events[0].shift);
}

TEST(Scancode, ModifiersFollowMakeAndBreakOnBothSides)
{
    ScancodeDecoder decoder;
    // Left Ctrl down, right Alt (E0 38) down, F down: Ctrl+Alt+F.
    auto events = decode(decoder, { 0x1D, 0xE0, 0x38, 0x21 });
    ASSERT_EQ(events.size(), 3u);
    EXPECT_TRUE(events[1].extended);
    EXPECT_TRUE(events[2].ctrl);
    EXPECT_TRUE(events[2].alt);
    EXPECT_EQ(break_glass_key_of(events[2]), BreakGlassKey::Freeze);
    // Left Ctrl up: right Ctrl was never down, so Ctrl is off.
    events = decode(decoder, { 0x9D, 0x21 });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_FALSE(events[1].ctrl);
    EXPECT_TRUE(events[1].alt);
    EXPECT_EQ(break_glass_key_of(events[1]), BreakGlassKey::None);
    // Right Ctrl (E0 1D) down; left Alt is up but right Alt still down: Ctrl+Alt+R.
    events = decode(decoder, { 0xE0, 0x1D, 0x13 });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].character, 'r');
    EXPECT_EQ(break_glass_key_of(events[1]), BreakGlassKey::Resume);
    // Releasing R is not a second resume.
    events = decode(decoder, { 0x93 });
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(break_glass_key_of(events[0]), BreakGlassKey::None);
}

TEST(Scancode, ShiftIsTrackedButFakeShiftsAndPauseAreSwallowed)
{
    ScancodeDecoder decoder;
    auto events = decode(decoder, { 0x2A, 0x1E, 0xAA, 0x1E });
    ASSERT_EQ(events.size(), 4u);
    EXPECT_TRUE(events[1].shift);
    EXPECT_EQ(events[1].character, 'a');
    EXPECT_FALSE(events[3].shift);
    // Print Screen's fake shift E0 2A E0 37, then Pause, then a plain key.
    events = decode(decoder, { 0xE0, 0x2A, 0xE0, 0x37, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x21 });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(events[0].extended);
    EXPECT_EQ(events[0].code, 0x37);
    EXPECT_FALSE(events[0].shift);
    EXPECT_EQ(events[1].character, 'f');
    EXPECT_FALSE(events[1].ctrl); // Pause's 1D byte did not press Ctrl
}

TEST(Scancode, BreakGlassNeedsBothModifiers)
{
    ScancodeDecoder decoder;
    EXPECT_EQ(break_glass_key_of(decode(decoder, { 0x1D, 0x21 })[1]), BreakGlassKey::None); // Ctrl+F
    decode(decoder, { 0x9D, 0xA1 });
    EXPECT_EQ(break_glass_key_of(decode(decoder, { 0x38, 0x21 })[1]), BreakGlassKey::None); // Alt+F
    EXPECT_EQ(break_glass_key_of(decode(decoder, { 0x1D, 0x21 })[1]), BreakGlassKey::Freeze);
    EXPECT_EQ(break_glass_key_of(decode(decoder, { 0x14 })[0]), BreakGlassKey::None); // Ctrl+Alt+T
}

TEST(UrgentLine, RecognizesFreezeAndKillAllWithLineEditing)
{
    using Urgent = shell::UrgentLineWatcher::Urgent;
    shell::UrgentLineWatcher watcher;
    EXPECT_EQ(feed_text(watcher, "freeze\r"), Urgent::Freeze);
    EXPECT_EQ(feed_text(watcher, "  kill-all \n"), Urgent::Freeze);
    EXPECT_EQ(feed_text(watcher, "ps\r"), Urgent::None);
    EXPECT_EQ(feed_text(watcher, "freezer\r"), Urgent::None);
    EXPECT_EQ(feed_text(watcher, "freezx\x7f" "e\r"), Urgent::Freeze);
    EXPECT_EQ(feed_text(watcher, "resume\r"), Urgent::None);
    EXPECT_EQ(feed_text(watcher, "isolate 3\r"), Urgent::None);
    // A line longer than the console keeps is cut as the console cuts it.
    EXPECT_EQ(feed_text(watcher, std::string(130, 'x') + "\r"), Urgent::None);
    EXPECT_EQ(feed_text(watcher, "\x7f\x7f" "freeze\r"), Urgent::Freeze);
}

TEST(InputRing, FifoDropsWhenFullAndWrapsAround)
{
    InputRing<4> ring;
    EXPECT_EQ(ring.pop(), -1);
    for (uint8_t i = 0; i < 4; ++i)
        EXPECT_TRUE(ring.push(i));
    EXPECT_FALSE(ring.push(9));
    EXPECT_EQ(ring.dropped(), 1u);
    for (int round = 0; round < 100; ++round) {
        EXPECT_EQ(ring.pop(), round % 256);
        EXPECT_TRUE(ring.push(static_cast<uint8_t>((round + 4) % 256)));
        EXPECT_EQ(ring.size(), 4u);
    }
}

TEST(InputRing, OneProducerOneConsumerKeepOrder)
{
    InputRing<64> ring;
    constexpr int count = 200000;
    std::thread producer([&] {
        for (int i = 0; i < count; ++i) {
            while (!ring.push(static_cast<uint8_t>(i)))
                std::this_thread::yield();
        }
    });
    int expected = 0;
    while (expected < count) {
        int byte = ring.pop();
        if (byte < 0)
            continue;
        ASSERT_EQ(byte, expected % 256);
        ++expected;
    }
    producer.join();
}

TEST(Scancode, TypedBytesApplyShiftAndIgnoreCommands)
{
    ScancodeDecoder decoder;
    auto typed = [&](std::initializer_list<uint8_t> bytes) {
        std::string out;
        for (const KeyEvent& event : decode(decoder, bytes)) {
            if (char c = typed_byte(event))
                out += c;
        }
        return out;
    };
    // p s Enter (make and break of each).
    EXPECT_EQ(typed({ 0x19, 0x99, 0x1F, 0x9F, 0x1C, 0x9C }), "ps\r");
    // Shift held: K, !, ", ?, then released: k.
    EXPECT_EQ(typed({ 0x2A, 0x25, 0xA5, 0x02, 0x82, 0x28, 0xA8, 0x35, 0xB5, 0xAA, 0x25, 0xA5 }), "K!\"?k");
    // Right Shift too, and digits, space, minus.
    EXPECT_EQ(typed({ 0x36, 0x0C, 0x8C, 0xB6, 0x0C, 0x8C, 0x39, 0xB9, 0x04, 0x84 }), "_- 3");
    // Backspace, keypad Enter (extended), Tab and Escape (nothing).
    EXPECT_EQ(typed({ 0x0E, 0x8E, 0xE0, 0x1C, 0xE0, 0x9C, 0x0F, 0x8F, 0x01, 0x81 }), "\x08\r");
    // With Ctrl or Alt held a key is a command, not text (Ctrl+Alt+F is break-glass).
    EXPECT_EQ(typed({ 0x1D, 0x21, 0xA1, 0x9D, 0x38, 0x13, 0x93, 0xB8 }), "");
    // Arrows and function keys type nothing.
    EXPECT_EQ(typed({ 0xE0, 0x48, 0xE0, 0xC8, 0x3B, 0xBB }), "");
}

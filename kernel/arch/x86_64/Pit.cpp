#include <kernel/arch/x86_64/Io.h>
#include <kernel/arch/x86_64/Pit.h>

namespace gehri::arch::pit {

namespace {
constexpr uint16_t channel0_data = 0x40;
constexpr uint16_t channel2_data = 0x42;
constexpr uint16_t mode_command = 0x43;
constexpr uint16_t speaker_control = 0x61;

constexpr uint8_t channel2_gate = 1u << 0;
constexpr uint8_t speaker_enable = 1u << 1;
constexpr uint8_t channel2_output = 1u << 5;

// Select channel, access low then high byte, operating mode, binary counting.
constexpr uint8_t channel0_rate_generator = (0u << 6) | (3u << 4) | (2u << 1);
constexpr uint8_t channel0_one_shot = (0u << 6) | (3u << 4) | (0u << 1);
constexpr uint8_t channel2_interrupt_on_terminal_count = (2u << 6) | (3u << 4) | (0u << 1);
constexpr uint8_t channel2_latch = 2u << 6;
} // namespace

void start_channel2_countdown()
{
    uint8_t control = in8(speaker_control);
    out8(speaker_control, (control & ~speaker_enable) | channel2_gate);
    out8(mode_command, channel2_interrupt_on_terminal_count);
    out8(channel2_data, 0xFF);
    out8(channel2_data, 0xFF);
}

uint16_t read_channel2()
{
    out8(mode_command, channel2_latch);
    uint8_t low = in8(channel2_data);
    uint8_t high = in8(channel2_data);
    return static_cast<uint16_t>(low | (high << 8));
}

bool channel2_expired() { return in8(speaker_control) & channel2_output; }

void stop_channel2() { out8(speaker_control, in8(speaker_control) & ~(channel2_gate | speaker_enable)); }

void start_channel0_periodic(uint16_t divisor)
{
    out8(mode_command, channel0_rate_generator);
    out8(channel0_data, divisor & 0xFF);
    out8(channel0_data, divisor >> 8);
}

void stop_channel0()
{
    // Mode 0 raises its output once, at terminal count, and never again: at most one more
    // edge, ~55 ms from now, which the caller's masked IOAPIC entry swallows.
    out8(mode_command, channel0_one_shot);
    out8(channel0_data, 0xFF);
    out8(channel0_data, 0xFF);
}

} // namespace gehri::arch::pit

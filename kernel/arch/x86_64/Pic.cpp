#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/Io.h>
#include <kernel/arch/x86_64/Pic.h>

namespace gehri::arch {

namespace {
constexpr uint16_t master_command = 0x20;
constexpr uint16_t master_data = 0x21;
constexpr uint16_t slave_command = 0xA0;
constexpr uint16_t slave_data = 0xA1;

constexpr uint8_t icw1_init_with_icw4 = 0x11;
constexpr uint8_t icw3_slave_on_line_2 = 0x04;
constexpr uint8_t icw3_slave_identity = 0x02;
constexpr uint8_t icw4_8086_mode = 0x01;

// Port 0x80 is unused; writing it gives old PICs time between initialization words.
void io_delay() { out8(0x80, 0); }
void write_slowly(uint16_t port, uint8_t value)
{
    out8(port, value);
    io_delay();
}
} // namespace

void disable_legacy_pics()
{
    write_slowly(master_command, icw1_init_with_icw4);
    write_slowly(slave_command, icw1_init_with_icw4);
    write_slowly(master_data, vectors::legacy_pic_base);
    write_slowly(slave_data, vectors::legacy_pic_base + 8);
    write_slowly(master_data, icw3_slave_on_line_2);
    write_slowly(slave_data, icw3_slave_identity);
    write_slowly(master_data, icw4_8086_mode);
    write_slowly(slave_data, icw4_8086_mode);
    write_slowly(master_data, 0xFF);
    write_slowly(slave_data, 0xFF);
}

} // namespace gehri::arch

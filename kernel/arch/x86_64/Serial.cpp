#include <kernel/arch/x86_64/Io.h>
#include <kernel/arch/x86_64/Serial.h>

namespace gehri::arch {

namespace {
constexpr uint16_t data_register = 0;
constexpr uint16_t interrupt_enable = 1;
constexpr uint16_t fifo_control = 2;
constexpr uint16_t line_control = 3;
constexpr uint16_t modem_control = 4;
constexpr uint16_t line_status = 5;
constexpr uint16_t scratch = 7;
constexpr uint8_t line_status_data_ready = 0x01;
constexpr uint8_t line_status_transmit_empty = 0x20;
} // namespace

SerialPort& SerialPort::com1()
{
    static SerialPort port(0x3F8);
    return port;
}

void SerialPort::initialize()
{
    // A missing UART reads back 0xFF from every register; the scratch register tells.
    out8(m_base + scratch, 0x5A);
    if (in8(m_base + scratch) != 0x5A)
        return;
    out8(m_base + interrupt_enable, 0x00);
    out8(m_base + line_control, 0x80); // divisor latch
    out8(m_base + data_register, 0x01); // 115200 baud
    out8(m_base + interrupt_enable, 0x00);
    out8(m_base + line_control, 0x03); // 8N1
    out8(m_base + fifo_control, 0xC7);
    out8(m_base + modem_control, 0x03);
    m_present = true;
}

void SerialPort::write_byte(uint8_t byte)
{
    for (int spins = 0; spins < 100000 && !(in8(m_base + line_status) & line_status_transmit_empty); ++spins)
        asm volatile("pause");
    out8(m_base + data_register, byte);
}

void SerialPort::write(StringView text)
{
    if (!m_present)
        return;
    for (char c : text) {
        if (c == '\n')
            write_byte('\r');
        write_byte(static_cast<uint8_t>(c));
    }
}

void SerialPort::enable_receive_interrupt()
{
    if (!m_present)
        return;
    // OUT2 gates the UART's interrupt line on PCs; keep DTR and RTS as initialize() set them.
    out8(m_base + modem_control, 0x0B);
    out8(m_base + interrupt_enable, 0x01); // received data available
}

int SerialPort::try_read()
{
    if (!m_present || !(in8(m_base + line_status) & line_status_data_ready))
        return -1;
    return in8(m_base + data_register);
}

} // namespace gehri::arch

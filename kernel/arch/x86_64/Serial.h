#pragma once

#include <kernel/console/Console.h>

namespace gehri::arch {

// The 16550 UART at COM1: the console every test reads.
class SerialPort final : public ConsoleDevice {
public:
    static SerialPort& com1();
    void initialize();
    void write(StringView text) override;
    // Returns -1 when no byte is waiting.
    int try_read();
    // Asks the UART to raise its interrupt line (ISA IRQ 4) whenever a byte is received.
    void enable_receive_interrupt();
    bool is_present() const { return m_present; }

private:
    explicit SerialPort(uint16_t base)
        : m_base(base)
    {
    }
    void write_byte(uint8_t byte);

    uint16_t m_base;
    bool m_present { false };
};

} // namespace gehri::arch

#include <kernel/arch/x86_64/Hpet.h>
#include <kernel/mm/Layout.h>

namespace gehri::arch {

namespace {
constexpr uint32_t capabilities_register = 0x000;
constexpr uint32_t configuration_register = 0x010;
constexpr uint32_t main_counter_register = 0x0F0;
constexpr uint32_t comparator_configuration(uint32_t n) { return 0x100 + 0x20 * n; }

constexpr uint64_t counter_is_64_bit = 1ull << 13;
constexpr uint64_t enable_counter = 1ull << 0;
constexpr uint64_t legacy_replacement = 1ull << 1;
constexpr uint64_t comparator_interrupt_enable = 1ull << 2;

constexpr uint64_t femtoseconds_per_second = 1'000'000'000'000'000;
constexpr uint64_t maximum_period_fs = 100'000'000; // the spec's limit: at least 10 MHz
constexpr uint64_t block_size = 1024;
constexpr uint64_t mapped_limit = 4ull * 1024 * 1024 * 1024;
} // namespace

Result<Hpet> Hpet::create(uint64_t physical_address)
{
    if (physical_address == 0 || physical_address >= mapped_limit - block_size)
        return Error::NotSupported;
    Hpet hpet;
    hpet.m_physical_address = physical_address;
    hpet.m_registers = mm::physical_to_virtual<volatile uint64_t>(physical_address);

    uint64_t capabilities = hpet.read_register(capabilities_register);
    hpet.m_period_fs = capabilities >> 32;
    if (hpet.m_period_fs == 0 || hpet.m_period_fs > maximum_period_fs)
        return Error::BadFormat;
    hpet.m_frequency_hz = femtoseconds_per_second / hpet.m_period_fs;
    hpet.m_counter_mask = (capabilities & counter_is_64_bit) ? UINT64_MAX : UINT32_MAX;
    hpet.m_comparator_count = ((capabilities >> 8) & 0x1F) + 1;

    // Firmware may have left comparators armed; none of them is ours to deliver.
    for (uint32_t n = 0; n < hpet.m_comparator_count; ++n) {
        uint32_t offset = comparator_configuration(n);
        hpet.write_register(offset, hpet.read_register(offset) & ~comparator_interrupt_enable);
    }
    // Legacy replacement would steal IRQ0 and IRQ8 from the PIT and the RTC.
    uint64_t configuration = hpet.read_register(configuration_register);
    hpet.write_register(configuration_register, (configuration & ~legacy_replacement) | enable_counter);
    return hpet;
}

uint64_t Hpet::read_counter() const { return read_register(main_counter_register) & m_counter_mask; }

uint64_t Hpet::read_register(uint32_t offset) const { return m_registers[offset / sizeof(uint64_t)]; }

void Hpet::write_register(uint32_t offset, uint64_t value) const { m_registers[offset / sizeof(uint64_t)] = value; }

} // namespace gehri::arch

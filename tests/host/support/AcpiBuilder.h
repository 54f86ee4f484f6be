#pragma once

// Hand-built ACPI structures for host tests: a fake physical memory made of byte arrays and
// builders that lay out tables the way firmware does (little-endian, packed, checksummed).
#include <cstdint>
#include <cstring>
#include <kernel/acpi/PhysicalMemory.h>
#include <map>
#include <string>
#include <vector>

namespace gehri::acpi::testing {

class FakePhysicalMemory final : public PhysicalMemory {
public:
    void place(uint64_t address, std::vector<uint8_t> bytes) { m_regions[address] = std::move(bytes); }
    std::vector<uint8_t>& at(uint64_t address) { return m_regions.at(address); }

    Result<const uint8_t*> view(uint64_t address, size_t length) const override
    {
        auto it = m_regions.upper_bound(address);
        if (it == m_regions.begin())
            return Error::OutOfRange;
        --it;
        uint64_t offset = address - it->first;
        if (offset > it->second.size() || length > it->second.size() - offset)
            return Error::OutOfRange;
        return it->second.data() + offset;
    }

private:
    std::map<uint64_t, std::vector<uint8_t>> m_regions;
};

class Bytes {
public:
    Bytes& u8(uint8_t v) { m_bytes.push_back(v); return *this; }
    Bytes& u16(uint16_t v) { return append(&v, 2); }
    Bytes& u32(uint32_t v) { return append(&v, 4); }
    Bytes& u64(uint64_t v) { return append(&v, 8); }
    Bytes& text(const std::string& s) { return append(s.data(), s.size()); }
    Bytes& raw(const std::vector<uint8_t>& v) { return append(v.data(), v.size()); }
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    Bytes& append(const void* data, size_t size)
    {
        auto* p = static_cast<const uint8_t*>(data);
        m_bytes.insert(m_bytes.end(), p, p + size);
        return *this;
    }
    std::vector<uint8_t> m_bytes;
};

inline uint8_t checksum_byte(const std::vector<uint8_t>& bytes, size_t from, size_t to)
{
    uint8_t sum = 0;
    for (size_t i = from; i < to; ++i)
        sum = static_cast<uint8_t>(sum + bytes[i]);
    return static_cast<uint8_t>(-sum);
}

// A complete system description table: header (length and checksum filled in) plus body.
inline std::vector<uint8_t> make_table(const std::string& signature, const std::vector<uint8_t>& body, uint8_t revision = 1)
{
    Bytes b;
    b.text(signature).u32(static_cast<uint32_t>(36 + body.size())).u8(revision).u8(0);
    b.text("GEHRI ").text("TESTTABL").u32(1).text("JTHA").u32(1).raw(body);
    auto& bytes = b.bytes();
    bytes[9] = checksum_byte(bytes, 0, bytes.size());
    return bytes;
}

inline std::vector<uint8_t> make_rsdp_v1(uint32_t rsdt)
{
    Bytes b;
    b.text("RSD PTR ").u8(0).text("BOCHS ").u8(0).u32(rsdt);
    auto& bytes = b.bytes();
    bytes[8] = checksum_byte(bytes, 0, 20);
    return bytes;
}

inline std::vector<uint8_t> make_rsdp_v2(uint32_t rsdt, uint64_t xsdt)
{
    Bytes b;
    b.text("RSD PTR ").u8(0).text("BOCHS ").u8(2).u32(rsdt).u32(36).u64(xsdt).u8(0).u8(0).u8(0).u8(0);
    auto& bytes = b.bytes();
    bytes[8] = checksum_byte(bytes, 0, 20);
    bytes[32] = checksum_byte(bytes, 0, 36);
    return bytes;
}

inline std::vector<uint8_t> make_xsdt(const std::vector<uint64_t>& tables)
{
    Bytes body;
    for (uint64_t t : tables)
        body.u64(t);
    return make_table("XSDT", body.bytes());
}

inline std::vector<uint8_t> make_rsdt(const std::vector<uint32_t>& tables)
{
    Bytes body;
    for (uint32_t t : tables)
        body.u32(t);
    return make_table("RSDT", body.bytes());
}

// MADT entries.
inline std::vector<uint8_t> local_apic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    Bytes b;
    b.u8(0).u8(8).u8(uid).u8(apic_id).u32(flags);
    return b.bytes();
}
inline std::vector<uint8_t> local_x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
    Bytes b;
    b.u8(9).u8(16).u16(0).u32(x2apic_id).u32(flags).u32(uid);
    return b.bytes();
}
inline std::vector<uint8_t> io_apic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
    Bytes b;
    b.u8(1).u8(12).u8(id).u8(0).u32(address).u32(gsi_base);
    return b.bytes();
}
inline std::vector<uint8_t> source_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
    Bytes b;
    b.u8(2).u8(10).u8(0).u8(irq).u32(gsi).u16(flags);
    return b.bytes();
}
inline std::vector<uint8_t> local_apic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
    Bytes b;
    b.u8(4).u8(6).u8(uid).u16(flags).u8(lint);
    return b.bytes();
}
inline std::vector<uint8_t> local_x2apic_nmi(uint32_t uid, uint16_t flags, uint8_t lint)
{
    Bytes b;
    b.u8(10).u8(12).u16(flags).u32(uid).u8(lint).u8(0).u8(0).u8(0);
    return b.bytes();
}
inline std::vector<uint8_t> nmi_source(uint16_t flags, uint32_t gsi)
{
    Bytes b;
    b.u8(3).u8(8).u16(flags).u32(gsi);
    return b.bytes();
}
inline std::vector<uint8_t> local_apic_address_override(uint64_t address)
{
    Bytes b;
    b.u8(5).u8(12).u16(0).u64(address);
    return b.bytes();
}

inline std::vector<uint8_t> make_madt(uint32_t local_apic_address, uint32_t flags, const std::vector<std::vector<uint8_t>>& entries)
{
    Bytes body;
    body.u32(local_apic_address).u32(flags);
    for (auto& e : entries)
        body.raw(e);
    return make_table("APIC", body.bytes(), 3);
}

inline std::vector<uint8_t> make_hpet_table(uint64_t address, uint8_t address_space = 0)
{
    Bytes body;
    body.u32(0x8086a201).u8(address_space).u8(64).u8(0).u8(0).u64(address).u8(0).u16(128).u8(0);
    return make_table("HPET", body.bytes());
}

} // namespace gehri::acpi::testing

#include <kernel/acpi/Bytes.h>
#include <kernel/acpi/Rsdp.h>

namespace gehri::acpi {

namespace {
constexpr size_t oem_id_offset = 9;
constexpr size_t revision_offset = 15;
constexpr size_t rsdt_offset = 16;
constexpr size_t length_offset = 20;
constexpr size_t xsdt_offset = 24;
} // namespace

Result<Rsdp> parse_rsdp(const uint8_t* bytes, size_t available)
{
    if (bytes == nullptr || available < Rsdp::v1_length)
        return Error::BadFormat;
    if (memcmp(bytes, "RSD PTR ", 8) != 0)
        return Error::BadFormat;
    if (!checksum_is_valid(bytes, Rsdp::v1_length))
        return Error::BadFormat;

    Rsdp rsdp;
    rsdp.revision = read_u8(bytes, revision_offset);
    memcpy(rsdp.oem_id, bytes + oem_id_offset, 6);
    rsdp.rsdt_address = read_u32(bytes, rsdt_offset);

    if (rsdp.revision >= 2) {
        if (available < Rsdp::v2_minimum_length)
            return Error::BadFormat;
        uint32_t length = read_u32(bytes, length_offset);
        if (length < Rsdp::v2_minimum_length || length > available)
            return Error::BadFormat;
        if (!checksum_is_valid(bytes, length))
            return Error::BadFormat;
        rsdp.xsdt_address = read_u64(bytes, xsdt_offset);
    }
    if (rsdp.rsdt_address == 0 && rsdp.xsdt_address == 0)
        return Error::BadFormat;
    return rsdp;
}

} // namespace gehri::acpi

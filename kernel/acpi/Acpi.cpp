#include <kernel/acpi/Acpi.h>
#include <kernel/acpi/DirectMapMemory.h>
#include <kernel/acpi/TableDirectory.h>
#include <kernel/boot/BootInfo.h>
#include <kernel/log/Log.h>

namespace gehri::acpi {

namespace {

Platform s_platform;

void log_directory(const TableDirectory& directory)
{
    char names[TableDirectory::max_entries * 5 + 1];
    BufferSink sink(names, sizeof(names));
    for (size_t i = 0; i < directory.entry_count(); ++i) {
        const auto& entry = directory.entry(i);
        format_to(sink, " {}{}", StringView(entry.signature, 4), entry.error_free ? "" : "!");
    }
    log::info("acpi: {} with {} tables:{}", directory.uses_xsdt() ? "XSDT" : "RSDT", directory.entry_count(), sink.view());
    for (size_t i = 0; i < directory.entry_count(); ++i) {
        const auto& entry = directory.entry(i);
        if (!entry.error_free)
            log::warn("acpi: ignoring table '{}' at {:#x}: {}", StringView(entry.signature, 4), entry.physical_address, error_name(entry.error));
    }
}

void decode_madt(const TableDirectory& directory, Platform& out)
{
    auto table = directory.find("APIC");
    if (table.is_error()) {
        log::warn("acpi: no usable MADT ({})", error_name(table.error()));
        return;
    }
    auto parsed = parse_madt(table.value().bytes, table.value().length, out.madt);
    if (parsed.is_error()) {
        log::warn("acpi: MADT is malformed ({})", error_name(parsed.error()));
        return;
    }
    out.has_madt = true;
}

void decode_hpet(const TableDirectory& directory, Platform& out)
{
    auto table = directory.find("HPET");
    if (table.is_error()) {
        log::info("acpi: no HPET table ({})", error_name(table.error()));
        return;
    }
    auto parsed = parse_hpet_table(table.value().bytes, table.value().length);
    if (parsed.is_error()) {
        log::warn("acpi: HPET table is unusable ({})", error_name(parsed.error()));
        return;
    }
    out.hpet = parsed.value();
    out.has_hpet = true;
}

} // namespace

Result<void> discover(const PhysicalMemory& memory, const uint8_t* rsdp_bytes, size_t rsdp_length, Platform& out)
{
    out.has_madt = false;
    out.has_hpet = false;
    out.rsdp = TRY(parse_rsdp(rsdp_bytes, rsdp_length));
    auto directory = TRY(TableDirectory::create(memory, out.rsdp));
    out.uses_xsdt = directory.uses_xsdt();
    out.table_count = directory.entry_count();
    out.rejected_tables = 0;
    for (size_t i = 0; i < directory.entry_count(); ++i)
        out.rejected_tables += directory.entry(i).error_free ? 0 : 1;
    log_directory(directory);
    decode_madt(directory, out);
    decode_hpet(directory, out);
    return {};
}

Result<void> initialize(const boot::BootInfo& boot_info)
{
    if (boot_info.acpi_rsdp_copy == nullptr)
        return Error::NotFound;
    static DirectMapMemory memory;
    return discover(memory, static_cast<const uint8_t*>(boot_info.acpi_rsdp_copy), boot_info.acpi_rsdp_length, s_platform);
}

const Platform& platform() { return s_platform; }

} // namespace gehri::acpi

#include <kernel/acpi/Bytes.h>
#include <kernel/acpi/Madt.h>
#include <kernel/acpi/Table.h>

namespace gehri::acpi {

namespace {

enum EntryType : uint8_t {
    LocalApic = 0,
    IoApic = 1,
    SourceOverride = 2,
    NmiSourceEntry = 3,
    LocalApicNmiEntry = 4,
    LocalApicAddressOverride = 5,
    LocalX2Apic = 9,
    LocalX2ApicNmi = 10,
};

constexpr size_t local_apic_address_offset = 36;
constexpr size_t flags_offset = 40;
constexpr size_t first_entry_offset = 44;
constexpr uint32_t pcat_compat = 1u << 0;
constexpr uint32_t processor_enabled = 1u << 0;
constexpr uint32_t processor_online_capable = 1u << 1;

// The smallest length each known entry type may have; newer ACPI revisions may append fields.
size_t minimum_length(uint8_t type)
{
    switch (type) {
    case LocalApic: return 8;
    case IoApic: return 12;
    case SourceOverride: return 10;
    case NmiSourceEntry: return 8;
    case LocalApicNmiEntry: return 6;
    case LocalApicAddressOverride: return 12;
    case LocalX2Apic: return 16;
    case LocalX2ApicNmi: return 12;
    default: return 2;
    }
}

Polarity decode_polarity(uint16_t inti_flags)
{
    switch (inti_flags & 3) {
    case 1: return Polarity::ActiveHigh;
    case 3: return Polarity::ActiveLow;
    default: return Polarity::BusDefault; // 2 is reserved; treat it like "conforms"
    }
}

Trigger decode_trigger(uint16_t inti_flags)
{
    switch ((inti_flags >> 2) & 3) {
    case 1: return Trigger::Edge;
    case 3: return Trigger::Level;
    default: return Trigger::BusDefault;
    }
}

template<typename T, size_t N>
T* append(T (&array)[N], size_t& count, Madt& madt)
{
    if (count == N) {
        ++madt.dropped_entries;
        return nullptr;
    }
    array[count] = T {};
    return &array[count++];
}

void add_processor(Madt& madt, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
    // Firmware may list a CPU twice (an xAPIC and an x2APIC entry); the first one wins.
    if (madt.find_processor(apic_id)) {
        ++madt.dropped_entries;
        return;
    }
    Processor* processor = append(madt.processors, madt.processor_count, madt);
    if (!processor)
        return;
    processor->apic_id = apic_id;
    processor->acpi_uid = uid;
    processor->enabled = flags & processor_enabled;
    processor->online_capable = !processor->enabled && (flags & processor_online_capable);
    processor->from_x2apic_entry = x2apic;
}

void add_local_nmi(Madt& madt, uint32_t uid, uint16_t flags, uint8_t lint)
{
    LocalApicNmi* nmi = append(madt.local_nmis, madt.local_nmi_count, madt);
    if (!nmi)
        return;
    nmi->acpi_uid = uid;
    nmi->lint = lint;
    nmi->polarity = decode_polarity(flags);
    nmi->trigger = decode_trigger(flags);
}

void decode_entry(Madt& madt, const uint8_t* entry)
{
    switch (entry[0]) {
    case LocalApic:
        add_processor(madt, read_u8(entry, 3), read_u8(entry, 2), read_u32(entry, 4), false);
        return;
    case LocalX2Apic:
        add_processor(madt, read_u32(entry, 4), read_u32(entry, 12), read_u32(entry, 8), true);
        return;
    case IoApic:
        if (auto* ioapic = append(madt.ioapics, madt.ioapic_count, madt)) {
            ioapic->id = read_u8(entry, 2);
            ioapic->address = read_u32(entry, 4);
            ioapic->gsi_base = read_u32(entry, 8);
        }
        return;
    case SourceOverride:
        if (auto* override = append(madt.overrides, madt.override_count, madt)) {
            override->bus = read_u8(entry, 2);
            override->source_irq = read_u8(entry, 3);
            override->gsi = read_u32(entry, 4);
            override->polarity = decode_polarity(read_u16(entry, 8));
            override->trigger = decode_trigger(read_u16(entry, 8));
        }
        return;
    case NmiSourceEntry:
        if (auto* source = append(madt.nmi_sources, madt.nmi_source_count, madt)) {
            source->polarity = decode_polarity(read_u16(entry, 2));
            source->trigger = decode_trigger(read_u16(entry, 2));
            source->gsi = read_u32(entry, 4);
        }
        return;
    case LocalApicNmiEntry: {
        uint8_t uid = read_u8(entry, 2);
        add_local_nmi(madt, uid == 0xFF ? LocalApicNmi::all_processors : uid, read_u16(entry, 3), read_u8(entry, 5));
        return;
    }
    case LocalX2ApicNmi:
        add_local_nmi(madt, read_u32(entry, 4), read_u16(entry, 2), read_u8(entry, 8));
        return;
    case LocalApicAddressOverride:
        madt.local_apic_address = read_u64(entry, 4);
        return;
    default:
        ++madt.unknown_entries;
        return;
    }
}

} // namespace

Result<void> parse_madt(const uint8_t* table, size_t length, Madt& out)
{
    // Field by field rather than `out = Madt {}`: no several-KiB temporary on a boot stack.
    out.processor_count = out.ioapic_count = out.override_count = 0;
    out.local_nmi_count = out.nmi_source_count = 0;
    out.unknown_entries = out.dropped_entries = 0;
    out.local_apic_address = 0;
    out.has_legacy_pics = false;
    if (table == nullptr || length < first_entry_offset)
        return Error::BadFormat;
    out.local_apic_address = read_u32(table, local_apic_address_offset);
    out.has_legacy_pics = read_u32(table, flags_offset) & pcat_compat;

    // The address override may come after entries that were decoded with the 32-bit
    // address, which is why it simply replaces the field wherever it appears.
    size_t offset = first_entry_offset;
    while (offset < length) {
        if (length - offset < 2)
            return Error::BadFormat;
        const uint8_t* entry = table + offset;
        uint8_t entry_length = entry[1];
        if (entry_length < minimum_length(entry[0]) || entry_length > length - offset)
            return Error::BadFormat;
        decode_entry(out, entry);
        offset += entry_length;
    }
    return {};
}

size_t Madt::enabled_processor_count() const
{
    size_t count = 0;
    for (size_t i = 0; i < processor_count; ++i)
        count += processors[i].enabled ? 1 : 0;
    return count;
}

const Processor* Madt::find_processor(uint32_t apic_id) const
{
    for (size_t i = 0; i < processor_count; ++i) {
        if (processors[i].apic_id == apic_id)
            return &processors[i];
    }
    return nullptr;
}

const IoApicDescription* Madt::ioapic_for_gsi(uint32_t gsi) const
{
    const IoApicDescription* best = nullptr;
    for (size_t i = 0; i < ioapic_count; ++i) {
        if (ioapics[i].gsi_base <= gsi && (!best || ioapics[i].gsi_base > best->gsi_base))
            best = &ioapics[i];
    }
    return best;
}

IsaIrqRoute Madt::route_isa_irq(uint8_t irq) const
{
    IsaIrqRoute route;
    route.gsi = irq;
    for (size_t i = 0; i < override_count; ++i) {
        const InterruptOverride& override = overrides[i];
        if (override.bus != 0 || override.source_irq != irq)
            continue;
        route.gsi = override.gsi;
        if (override.polarity == Polarity::ActiveLow)
            route.polarity = Polarity::ActiveLow;
        if (override.trigger == Trigger::Level)
            route.trigger = Trigger::Level;
        break;
    }
    return route;
}

} // namespace gehri::acpi

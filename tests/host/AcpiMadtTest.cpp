#include <gtest/gtest.h>
#include <kernel/acpi/Acpi.h>
#include <kernel/acpi/CpuList.h>
#include <kernel/acpi/Madt.h>
#include <memory>
#include <tests/host/support/AcpiBuilder.h>

using namespace gehri;
using namespace gehri::acpi;
using namespace gehri::acpi::testing;

namespace {

constexpr uint32_t enabled = 1;
constexpr uint32_t online_capable = 2;
constexpr uint16_t active_low_level = 0xF; // polarity 11b, trigger 11b
constexpr uint16_t active_high_level = 0xD; // polarity 01b, trigger 11b

// What QEMU's q35 machine publishes with -smp 4, plus one disabled CPU.
std::vector<uint8_t> q35_like_madt()
{
    return make_madt(0xFEE00000, 1,
        { local_apic(0, 0, enabled), local_apic(1, 1, enabled), local_apic(2, 2, enabled), local_apic(3, 3, enabled),
            local_apic(4, 4, 0),
            io_apic(0, 0xFEC00000, 0),
            source_override(0, 2, 0),
            source_override(5, 5, active_high_level),
            source_override(9, 9, active_high_level),
            source_override(10, 10, active_high_level),
            source_override(11, 11, active_high_level),
            local_apic_nmi(0xFF, 0, 1) });
}

std::unique_ptr<Madt> parsed(const std::vector<uint8_t>& table, Result<void>* result_out = nullptr)
{
    auto madt = std::make_unique<Madt>();
    auto result = parse_madt(table.data(), table.size(), *madt);
    if (result_out)
        *result_out = std::move(result);
    else
        EXPECT_TRUE(result.is_ok());
    return madt;
}

} // namespace

TEST(AcpiMadt, DecodesAQemuLikeTable)
{
    auto madt = parsed(q35_like_madt());
    EXPECT_EQ(madt->local_apic_address, 0xFEE00000u);
    EXPECT_TRUE(madt->has_legacy_pics);
    ASSERT_EQ(madt->processor_count, 5u);
    EXPECT_EQ(madt->enabled_processor_count(), 4u);
    EXPECT_EQ(madt->processors[2].apic_id, 2u);
    EXPECT_EQ(madt->processors[2].acpi_uid, 2u);
    EXPECT_TRUE(madt->processors[2].enabled);
    EXPECT_FALSE(madt->processors[4].enabled);
    EXPECT_FALSE(madt->processors[4].online_capable);
    ASSERT_EQ(madt->ioapic_count, 1u);
    EXPECT_EQ(madt->ioapics[0].address, 0xFEC00000u);
    EXPECT_EQ(madt->ioapics[0].gsi_base, 0u);
    EXPECT_EQ(madt->override_count, 5u);
    ASSERT_EQ(madt->local_nmi_count, 1u);
    EXPECT_EQ(madt->local_nmis[0].acpi_uid, LocalApicNmi::all_processors);
    EXPECT_EQ(madt->local_nmis[0].lint, 1);
    EXPECT_TRUE(madt->local_nmis[0].applies_to(3));
    EXPECT_EQ(madt->unknown_entries, 0u);
    EXPECT_EQ(madt->dropped_entries, 0u);
}

TEST(AcpiMadt, RoutesIsaIrqsThroughOverrides)
{
    auto madt = parsed(q35_like_madt());
    IsaIrqRoute timer = madt->route_isa_irq(0);
    EXPECT_EQ(timer.gsi, 2u);
    EXPECT_EQ(timer.polarity, Polarity::ActiveHigh); // "conforms to the bus": ISA
    EXPECT_EQ(timer.trigger, Trigger::Edge);

    IsaIrqRoute sci = madt->route_isa_irq(9);
    EXPECT_EQ(sci.gsi, 9u);
    EXPECT_EQ(sci.polarity, Polarity::ActiveHigh);
    EXPECT_EQ(sci.trigger, Trigger::Level);

    IsaIrqRoute keyboard = madt->route_isa_irq(1); // no override: identity, ISA defaults
    EXPECT_EQ(keyboard.gsi, 1u);
    EXPECT_EQ(keyboard.polarity, Polarity::ActiveHigh);
    EXPECT_EQ(keyboard.trigger, Trigger::Edge);
}

TEST(AcpiMadt, DecodesPolarityAndTriggerFlags)
{
    auto madt = parsed(make_madt(0xFEE00000, 0,
        { source_override(3, 20, active_low_level), source_override(4, 21, 0x1 | 0x4), source_override(6, 22, 0x2 | 0x8) }));
    ASSERT_EQ(madt->override_count, 3u);
    EXPECT_EQ(madt->overrides[0].polarity, Polarity::ActiveLow);
    EXPECT_EQ(madt->overrides[0].trigger, Trigger::Level);
    EXPECT_EQ(madt->overrides[1].polarity, Polarity::ActiveHigh);
    EXPECT_EQ(madt->overrides[1].trigger, Trigger::Edge);
    // 10b is reserved in both fields; it is read as "conforms to the bus".
    EXPECT_EQ(madt->overrides[2].polarity, Polarity::BusDefault);
    EXPECT_EQ(madt->overrides[2].trigger, Trigger::BusDefault);
    EXPECT_FALSE(madt->has_legacy_pics);

    IsaIrqRoute route = madt->route_isa_irq(3);
    EXPECT_EQ(route.gsi, 20u);
    EXPECT_EQ(route.polarity, Polarity::ActiveLow);
    EXPECT_EQ(route.trigger, Trigger::Level);
}

TEST(AcpiMadt, OverridesOnOtherBusesDoNotApplyToIsa)
{
    Bytes entry;
    entry.u8(2).u8(10).u8(1).u8(4).u32(30).u16(0); // bus 1
    auto madt = parsed(make_madt(0xFEE00000, 0, { entry.bytes() }));
    EXPECT_EQ(madt->route_isa_irq(4).gsi, 4u);
}

TEST(AcpiMadt, SkipsUnknownEntryTypes)
{
    Bytes unknown_long;
    unknown_long.u8(0x7F).u8(7).u8(1).u8(2).u8(3).u8(4).u8(5);
    Bytes gicc_like; // a type this parser never decodes, with a plausible size
    gicc_like.u8(0xB).u8(2);
    auto madt = parsed(make_madt(0xFEE00000, 0, { local_apic(0, 0, enabled), unknown_long.bytes(), gicc_like.bytes(), local_apic(1, 1, enabled) }));
    EXPECT_EQ(madt->unknown_entries, 2u);
    EXPECT_EQ(madt->enabled_processor_count(), 2u);
    EXPECT_EQ(madt->processors[1].apic_id, 1u);
}

TEST(AcpiMadt, OnlineCapableIsOnlyMeaningfulWhenDisabled)
{
    auto madt = parsed(make_madt(0xFEE00000, 0,
        { local_apic(0, 0, enabled | online_capable), local_apic(1, 1, online_capable), local_apic(2, 2, 0) }));
    EXPECT_EQ(madt->enabled_processor_count(), 1u);
    EXPECT_FALSE(madt->processors[0].online_capable);
    EXPECT_TRUE(madt->processors[1].online_capable);
    EXPECT_FALSE(madt->processors[1].enabled);
    EXPECT_FALSE(madt->processors[2].online_capable);
}

TEST(AcpiMadt, DecodesX2ApicEntriesAndDropsDuplicates)
{
    auto madt = parsed(make_madt(0xFEE00000, 0,
        { local_apic(0, 0, enabled), local_x2apic(0x100, enabled, 300), local_x2apic(0x101, online_capable, 301),
            local_x2apic(0, enabled, 0), local_x2apic_nmi(300, active_low_level, 0) }));
    ASSERT_EQ(madt->processor_count, 3u);
    EXPECT_EQ(madt->dropped_entries, 1u); // apic id 0 listed twice
    EXPECT_EQ(madt->processors[1].apic_id, 0x100u);
    EXPECT_EQ(madt->processors[1].acpi_uid, 300u);
    EXPECT_TRUE(madt->processors[1].from_x2apic_entry);
    EXPECT_TRUE(madt->processors[2].online_capable);
    EXPECT_EQ(madt->enabled_processor_count(), 2u);
    const Processor* found = madt->find_processor(0x101);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->acpi_uid, 301u);
    EXPECT_EQ(madt->find_processor(7), nullptr);
    ASSERT_EQ(madt->local_nmi_count, 1u);
    EXPECT_EQ(madt->local_nmis[0].acpi_uid, 300u);
    EXPECT_EQ(madt->local_nmis[0].lint, 0);
    EXPECT_EQ(madt->local_nmis[0].polarity, Polarity::ActiveLow);
    EXPECT_TRUE(madt->local_nmis[0].applies_to(300));
    EXPECT_FALSE(madt->local_nmis[0].applies_to(301));
}

TEST(AcpiMadt, AddressOverrideAndNmiSources)
{
    auto madt = parsed(make_madt(0xFEE00000, 0, { local_apic_address_override(0x1'FEE0'0000), nmi_source(0xD, 17) }));
    EXPECT_EQ(madt->local_apic_address, 0x1'FEE0'0000u);
    ASSERT_EQ(madt->nmi_source_count, 1u);
    EXPECT_EQ(madt->nmi_sources[0].gsi, 17u);
    EXPECT_EQ(madt->nmi_sources[0].trigger, Trigger::Level);
}

TEST(AcpiMadt, FindsTheIoApicForAGsi)
{
    auto madt = parsed(make_madt(0xFEE00000, 0, { io_apic(1, 0xFEC01000, 24), io_apic(0, 0xFEC00000, 0) }));
    EXPECT_EQ(madt->ioapic_for_gsi(0)->id, 0);
    EXPECT_EQ(madt->ioapic_for_gsi(23)->id, 0);
    EXPECT_EQ(madt->ioapic_for_gsi(24)->id, 1);
    EXPECT_EQ(madt->ioapic_for_gsi(40)->id, 1);
    auto none = parsed(make_madt(0xFEE00000, 0, { io_apic(1, 0xFEC01000, 24) }));
    EXPECT_EQ(none->ioapic_for_gsi(3), nullptr);
}

TEST(AcpiMadt, RejectsMalformedEntries)
{
    Result<void> result;
    // An entry that claims to run past the end of the table.
    auto past_end = local_apic(0, 0, enabled);
    past_end[1] = 12;
    parsed(make_madt(0xFEE00000, 0, { past_end }), &result);
    EXPECT_EQ(result.error(), Error::BadFormat);

    // A zero length would make the walk spin forever.
    Bytes zero;
    zero.u8(0x7F).u8(0).u8(0).u8(0);
    parsed(make_madt(0xFEE00000, 0, { zero.bytes() }), &result);
    EXPECT_EQ(result.error(), Error::BadFormat);

    // A known type shorter than its fields.
    auto short_ioapic = io_apic(0, 0xFEC00000, 0);
    short_ioapic[1] = 8;
    short_ioapic.resize(8);
    parsed(make_madt(0xFEE00000, 0, { short_ioapic }), &result);
    EXPECT_EQ(result.error(), Error::BadFormat);

    // A single stray byte at the end.
    Bytes stray;
    stray.u8(0);
    parsed(make_madt(0xFEE00000, 0, { local_apic(0, 0, enabled), stray.bytes() }), &result);
    EXPECT_EQ(result.error(), Error::BadFormat);

    // Shorter than the fixed part.
    Madt madt;
    auto table = make_madt(0xFEE00000, 0, {});
    EXPECT_EQ(parse_madt(table.data(), 43, madt).error(), Error::BadFormat);
}

TEST(AcpiMadt, AcceptsLongerEntriesOfKnownTypes)
{
    auto longer = local_apic(3, 7, enabled);
    longer[1] = 10;
    longer.push_back(0xEE);
    longer.push_back(0xEE);
    auto madt = parsed(make_madt(0xFEE00000, 0, { longer, local_apic(4, 8, enabled) }));
    ASSERT_EQ(madt->processor_count, 2u);
    EXPECT_EQ(madt->processors[0].apic_id, 7u);
    EXPECT_EQ(madt->processors[1].apic_id, 8u);
}

TEST(AcpiMadt, CountsProcessorsBeyondCapacity)
{
    std::vector<std::vector<uint8_t>> entries;
    for (uint32_t i = 0; i < Madt::max_processors + 5; ++i)
        entries.push_back(local_x2apic(i, enabled, i));
    auto madt = parsed(make_madt(0xFEE00000, 0, entries));
    EXPECT_EQ(madt->processor_count, Madt::max_processors);
    EXPECT_EQ(madt->dropped_entries, 5u);
}

TEST(AcpiMadt, ParsingAgainResetsEverything)
{
    auto madt = parsed(q35_like_madt());
    auto table = make_madt(0xFEE00000, 0, { local_apic(0, 9, enabled) });
    ASSERT_TRUE(parse_madt(table.data(), table.size(), *madt).is_ok());
    EXPECT_EQ(madt->processor_count, 1u);
    EXPECT_EQ(madt->ioapic_count, 0u);
    EXPECT_EQ(madt->override_count, 0u);
    EXPECT_EQ(madt->local_nmi_count, 0u);
    EXPECT_FALSE(madt->has_legacy_pics);
}

TEST(AcpiHpet, DecodesTheTable)
{
    auto table = make_hpet_table(0xFED00000);
    auto hpet = parse_hpet_table(table.data(), table.size());
    ASSERT_TRUE(hpet.is_ok());
    EXPECT_EQ(hpet.value().address, 0xFED00000u);
    EXPECT_EQ(hpet.value().event_timer_block_id, 0x8086a201u);
    EXPECT_EQ(hpet.value().minimum_tick, 128);
}

TEST(AcpiHpet, RejectsShortOrPortSpaceTables)
{
    auto table = make_hpet_table(0xFED00000);
    EXPECT_EQ(parse_hpet_table(table.data(), 55).error(), Error::BadFormat);
    auto io_space = make_hpet_table(0xFED00000, 1);
    EXPECT_EQ(parse_hpet_table(io_space.data(), io_space.size()).error(), Error::NotSupported);
    auto no_address = make_hpet_table(0);
    EXPECT_EQ(parse_hpet_table(no_address.data(), no_address.size()).error(), Error::BadFormat);
}

TEST(AcpiDiscover, FromRsdpToMadtAndHpet)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_xsdt({ 0x2000, 0x3000, 0x4000 }));
    memory.place(0x2000, make_table("FACP", std::vector<uint8_t>(200, 0)));
    memory.place(0x3000, q35_like_madt());
    memory.place(0x4000, make_hpet_table(0xFED00000));
    auto rsdp = make_rsdp_v2(0, 0x1000);
    auto platform = std::make_unique<Platform>();
    ASSERT_TRUE(discover(memory, rsdp.data(), rsdp.size(), *platform).is_ok());
    EXPECT_TRUE(platform->uses_xsdt);
    EXPECT_EQ(platform->table_count, 3u);
    EXPECT_EQ(platform->rejected_tables, 0u);
    ASSERT_TRUE(platform->has_madt);
    EXPECT_EQ(platform->madt.enabled_processor_count(), 4u);
    ASSERT_TRUE(platform->has_hpet);
    EXPECT_EQ(platform->hpet.address, 0xFED00000u);
}

TEST(AcpiDiscover, BrokenMadtAndMissingHpetAreReportedNotFatal)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_rsdt({ 0x3000 }));
    auto madt = q35_like_madt();
    madt[50] ^= 0x40;
    memory.place(0x3000, madt);
    auto rsdp = make_rsdp_v1(0x1000);
    auto platform = std::make_unique<Platform>();
    ASSERT_TRUE(discover(memory, rsdp.data(), rsdp.size(), *platform).is_ok());
    EXPECT_FALSE(platform->uses_xsdt);
    EXPECT_EQ(platform->rejected_tables, 1u);
    EXPECT_FALSE(platform->has_madt);
    EXPECT_FALSE(platform->has_hpet);
}

TEST(AcpiDiscover, FailsOnABadRsdp)
{
    FakePhysicalMemory memory;
    auto rsdp = make_rsdp_v1(0x1000);
    rsdp[3] ^= 1;
    auto platform = std::make_unique<Platform>();
    EXPECT_EQ(discover(memory, rsdp.data(), rsdp.size(), *platform).error(), Error::BadFormat);
    auto good = make_rsdp_v1(0x1000); // valid, but nothing at 0x1000
    EXPECT_EQ(discover(memory, good.data(), good.size(), *platform).error(), Error::OutOfRange);
}

TEST(AcpiCpuList, EnabledCpusWithTheBootCpuFirst)
{
    auto madt = parsed(make_madt(0xFEE00000, 0,
        { local_apic(0, 0, enabled), local_apic(1, 2, enabled), local_apic(2, 4, 0), local_apic(3, 6, online_capable),
            local_x2apic(0x200, enabled, 9) }));
    auto list = CpuList::from_madt(*madt, 2);
    ASSERT_EQ(list.count(), 3u);
    EXPECT_EQ(list.apic_id(0), 2u);
    EXPECT_EQ(list.apic_id(1), 0u);
    EXPECT_EQ(list.apic_id(2), 0x200u);
    EXPECT_EQ(list.index_of(0x200), 2);
    EXPECT_EQ(list.index_of(4), -1); // disabled
    EXPECT_EQ(list.index_of(6), -1); // online-capable, not online
}

TEST(AcpiCpuList, BootCpuMissingFromTheMadtIsStillListed)
{
    auto madt = parsed(make_madt(0xFEE00000, 0, { local_apic(0, 1, enabled) }));
    auto list = CpuList::from_madt(*madt, 0);
    ASSERT_EQ(list.count(), 2u);
    EXPECT_EQ(list.apic_id(0), 0u);
    EXPECT_EQ(list.apic_id(1), 1u);
}

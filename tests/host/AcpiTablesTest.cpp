#include <gtest/gtest.h>
#include <kernel/acpi/DirectMapMemory.h>
#include <kernel/acpi/Rsdp.h>
#include <kernel/acpi/TableDirectory.h>
#include <tests/host/support/AcpiBuilder.h>

using namespace gehri;
using namespace gehri::acpi;
using namespace gehri::acpi::testing;

TEST(AcpiRsdp, Version1)
{
    auto bytes = make_rsdp_v1(0x7fe0000);
    auto rsdp = parse_rsdp(bytes.data(), bytes.size());
    ASSERT_TRUE(rsdp.is_ok());
    EXPECT_EQ(rsdp.value().revision, 0);
    EXPECT_EQ(rsdp.value().rsdt_address, 0x7fe0000u);
    EXPECT_FALSE(rsdp.value().has_xsdt());
    EXPECT_STREQ(rsdp.value().oem_id, "BOCHS ");
}

TEST(AcpiRsdp, Version2PrefersNothingButReportsBoth)
{
    auto bytes = make_rsdp_v2(0x7fe0000, 0x1'2345'6000);
    auto rsdp = parse_rsdp(bytes.data(), bytes.size());
    ASSERT_TRUE(rsdp.is_ok());
    EXPECT_EQ(rsdp.value().revision, 2);
    EXPECT_EQ(rsdp.value().rsdt_address, 0x7fe0000u);
    EXPECT_EQ(rsdp.value().xsdt_address, 0x1'2345'6000u);
    EXPECT_TRUE(rsdp.value().has_xsdt());
}

TEST(AcpiRsdp, RejectsBadSignatureAndChecksums)
{
    auto bad_signature = make_rsdp_v1(0x1000);
    bad_signature[0] = 'X';
    bad_signature[8] = static_cast<uint8_t>(bad_signature[8] - ('X' - 'R')); // keep the sum zero
    EXPECT_EQ(parse_rsdp(bad_signature.data(), bad_signature.size()).error(), Error::BadFormat);

    auto bad_checksum = make_rsdp_v1(0x1000);
    bad_checksum[8] ^= 1;
    EXPECT_EQ(parse_rsdp(bad_checksum.data(), bad_checksum.size()).error(), Error::BadFormat);

    // The first 20 bytes are fine, the extended checksum over all 36 is not.
    auto bad_extended = make_rsdp_v2(0x1000, 0x2000);
    bad_extended[33] = 0x55;
    EXPECT_EQ(parse_rsdp(bad_extended.data(), bad_extended.size()).error(), Error::BadFormat);
}

TEST(AcpiRsdp, RejectsTruncatedAndOverlong)
{
    auto v1 = make_rsdp_v1(0x1000);
    EXPECT_EQ(parse_rsdp(v1.data(), 19).error(), Error::BadFormat);
    EXPECT_EQ(parse_rsdp(nullptr, 20).error(), Error::BadFormat);

    auto v2 = make_rsdp_v2(0x1000, 0x2000);
    EXPECT_EQ(parse_rsdp(v2.data(), 35).error(), Error::BadFormat); // revision 2 needs 36 bytes

    // A declared length beyond what the loader copied.
    auto overlong = make_rsdp_v2(0x1000, 0x2000);
    overlong[20] = 40; // the length is checked before the checksum it would cover
    EXPECT_EQ(parse_rsdp(overlong.data(), overlong.size()).error(), Error::BadFormat);

    // A declared length too small to hold the XSDT address.
    auto underlong = make_rsdp_v2(0x1000, 0x2000);
    underlong[20] = 24;
    EXPECT_EQ(parse_rsdp(underlong.data(), underlong.size()).error(), Error::BadFormat);
}

TEST(AcpiRsdp, RejectsNoDirectoryAtAll)
{
    auto bytes = make_rsdp_v1(0);
    EXPECT_EQ(parse_rsdp(bytes.data(), bytes.size()).error(), Error::BadFormat);
}

TEST(AcpiTable, LoadsValidTable)
{
    FakePhysicalMemory memory;
    memory.place(0x5000, make_table("FACP", std::vector<uint8_t>(80, 0xAB), 6));
    auto table = load_table(memory, 0x5000);
    ASSERT_TRUE(table.is_ok());
    EXPECT_EQ(table.value().signature_view(), StringView("FACP"));
    EXPECT_EQ(table.value().length, 116u);
    EXPECT_EQ(table.value().revision, 6);
    EXPECT_EQ(table.value().body_length(), 80u);
    EXPECT_EQ(table.value().body()[0], 0xAB);
    EXPECT_EQ(table.value().physical_address, 0x5000u);
}

TEST(AcpiTable, RejectsBadChecksum)
{
    FakePhysicalMemory memory;
    memory.place(0x5000, make_table("FACP", std::vector<uint8_t>(8, 1)));
    memory.at(0x5000)[40] ^= 0x10;
    EXPECT_EQ(load_table(memory, 0x5000).error(), Error::BadFormat);
}

TEST(AcpiTable, RejectsLengthShorterThanHeader)
{
    FakePhysicalMemory memory;
    auto table = make_table("FACP", {});
    table[4] = 35; // the checksum no longer matters: the length is checked first
    memory.place(0x5000, table);
    EXPECT_EQ(load_table(memory, 0x5000).error(), Error::BadFormat);
}

TEST(AcpiTable, RejectsLengthBeyondTheMemoryThatHoldsIt)
{
    FakePhysicalMemory memory;
    auto table = make_table("FACP", std::vector<uint8_t>(8, 0));
    table[4] = 200;
    memory.place(0x5000, table);
    EXPECT_EQ(load_table(memory, 0x5000).error(), Error::OutOfRange);
}

TEST(AcpiTable, RejectsAbsurdLength)
{
    FakePhysicalMemory memory;
    auto table = make_table("FACP", {});
    table[4] = 0xFF;
    table[5] = 0xFF;
    table[6] = 0xFF;
    table[7] = 0x7F;
    memory.place(0x5000, table);
    EXPECT_EQ(load_table(memory, 0x5000).error(), Error::OutOfRange);
}

TEST(AcpiTable, RejectsHeaderOutsideMemory)
{
    FakePhysicalMemory memory;
    memory.place(0x5000, std::vector<uint8_t>(20, 0));
    EXPECT_EQ(load_table(memory, 0x5000).error(), Error::OutOfRange);
    EXPECT_EQ(load_table(memory, 0x100).error(), Error::OutOfRange);
}

TEST(AcpiDirectory, WalksXsdt)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_xsdt({ 0x2000, 0x3000, 0x1'0000'4000 }));
    memory.place(0x2000, make_table("FACP", std::vector<uint8_t>(16, 0)));
    memory.place(0x3000, make_table("APIC", std::vector<uint8_t>(8, 0)));
    memory.place(0x1'0000'4000, make_table("SSDT", std::vector<uint8_t>(4, 0)));
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.rsdt_address = 0x9000; // not present: must not be needed
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_TRUE(directory.value().uses_xsdt());
    EXPECT_EQ(directory.value().entry_count(), 3u);
    auto apic = directory.value().find("APIC");
    ASSERT_TRUE(apic.is_ok());
    EXPECT_EQ(apic.value().physical_address, 0x3000u);
    auto ssdt = directory.value().find("SSDT");
    ASSERT_TRUE(ssdt.is_ok());
    EXPECT_EQ(ssdt.value().physical_address, 0x1'0000'4000u);
    EXPECT_EQ(directory.value().find("HPET").error(), Error::NotFound);
}

TEST(AcpiDirectory, WalksRsdtForVersion1)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_rsdt({ 0x2000, 0x3000, 0 }));
    memory.place(0x2000, make_table("SSDT", std::vector<uint8_t>(4, 1)));
    memory.place(0x3000, make_table("SSDT", std::vector<uint8_t>(4, 2)));
    Rsdp rsdp;
    rsdp.rsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_FALSE(directory.value().uses_xsdt());
    EXPECT_EQ(directory.value().entry_count(), 2u); // the null pointer is skipped
    EXPECT_EQ(directory.value().find("SSDT", 1).value().physical_address, 0x3000u);
    EXPECT_EQ(directory.value().find("SSDT", 2).error(), Error::NotFound);
}

TEST(AcpiDirectory, BadTablesAreRememberedNotFatal)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_xsdt({ 0x2000, 0x3000, 0x4000, 0x5000 }));
    memory.place(0x2000, make_table("APIC", std::vector<uint8_t>(8, 0)));
    memory.at(0x2000)[40] ^= 1; // bad checksum
    auto truncated = make_table("HPET", std::vector<uint8_t>(20, 0));
    truncated[4] = 100; // longer than the bytes that exist
    memory.place(0x3000, truncated);
    memory.place(0x4000, make_table("FACP", std::vector<uint8_t>(8, 0)));
    // 0x5000: nothing there at all.
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_EQ(directory.value().entry_count(), 4u);
    EXPECT_EQ(directory.value().find("APIC").error(), Error::BadFormat);
    EXPECT_EQ(directory.value().find("HPET").error(), Error::OutOfRange);
    EXPECT_TRUE(directory.value().find("FACP").is_ok());
    EXPECT_FALSE(directory.value().entry(3).error_free);
    EXPECT_EQ(directory.value().entry(3).signature[0], '\0');
}

TEST(AcpiDirectory, FindSkipsARejectedCopyForAValidOne)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_xsdt({ 0x2000, 0x3000 }));
    memory.place(0x2000, make_table("APIC", std::vector<uint8_t>(8, 0)));
    memory.at(0x2000)[40] ^= 1;
    memory.place(0x3000, make_table("APIC", std::vector<uint8_t>(8, 0)));
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_EQ(directory.value().find("APIC").value().physical_address, 0x3000u);
}

TEST(AcpiDirectory, FallsBackToRsdtWhenXsdtIsBroken)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_xsdt({ 0x2000 }));
    memory.at(0x1000)[36] ^= 1;
    memory.place(0x1800, make_rsdt({ 0x2000 }));
    memory.place(0x2000, make_table("APIC", std::vector<uint8_t>(8, 0)));
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.rsdt_address = 0x1800;
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_FALSE(directory.value().uses_xsdt());
    EXPECT_TRUE(directory.value().find("APIC").is_ok());
}

TEST(AcpiDirectory, FailsWithoutAnyUsableRoot)
{
    FakePhysicalMemory memory;
    memory.place(0x1000, make_table("XSDX", {})); // wrong signature
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.xsdt_address = 0x1000;
    EXPECT_EQ(TableDirectory::create(memory, rsdp).error(), Error::BadFormat);
    rsdp.xsdt_address = 0x7000; // nothing there
    EXPECT_EQ(TableDirectory::create(memory, rsdp).error(), Error::OutOfRange);
    Rsdp v1;
    v1.rsdt_address = 0x1000;
    EXPECT_EQ(TableDirectory::create(memory, v1).error(), Error::BadFormat);
}

TEST(AcpiDirectory, IgnoresATrailingPartialPointer)
{
    FakePhysicalMemory memory;
    Bytes body;
    body.u64(0x2000).u32(0x3000); // 12 bytes: one whole 8-byte pointer and half of another
    memory.place(0x1000, make_table("XSDT", body.bytes()));
    memory.place(0x2000, make_table("FACP", {}));
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_EQ(directory.value().entry_count(), 1u);
}

TEST(AcpiDirectory, CountsEntriesBeyondCapacity)
{
    FakePhysicalMemory memory;
    std::vector<uint64_t> pointers;
    for (size_t i = 0; i < TableDirectory::max_entries + 3; ++i) {
        uint64_t address = 0x10000 + i * 0x100;
        pointers.push_back(address);
        memory.place(address, make_table("SSDT", {}));
    }
    memory.place(0x1000, make_xsdt(pointers));
    Rsdp rsdp;
    rsdp.revision = 2;
    rsdp.xsdt_address = 0x1000;
    auto directory = TableDirectory::create(memory, rsdp);
    ASSERT_TRUE(directory.is_ok());
    EXPECT_EQ(directory.value().entry_count(), TableDirectory::max_entries);
    EXPECT_EQ(directory.value().dropped_entries(), 3u);
}

TEST(AcpiDirectMap, RefusesWhatTheBootMappingDoesNotCover)
{
    DirectMapMemory memory;
    EXPECT_TRUE(memory.view(0xE0000, 36).is_ok());
    EXPECT_TRUE(memory.view(DirectMapMemory::mapped_limit - 36, 36).is_ok());
    EXPECT_EQ(memory.view(DirectMapMemory::mapped_limit - 35, 36).error(), Error::NotSupported);
    EXPECT_EQ(memory.view(DirectMapMemory::mapped_limit, 1).error(), Error::NotSupported);
    EXPECT_EQ(memory.view(0x1'2345'0000, 36).error(), Error::NotSupported);
    EXPECT_EQ(memory.view(0, 36).error(), Error::InvalidArgument);
    EXPECT_EQ(memory.view(0xE0000, SIZE_MAX).error(), Error::NotSupported);
}

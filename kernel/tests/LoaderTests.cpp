#include <kernel/boot/Initrd.h>
#include <kernel/loader/Elf64.h>
#include <kernel/tests/Framework.h>
#include <string.h>

namespace gehri {

// The parsers on the real target, built with the kernel's flags: a small archive and a small
// executable parse, and a broken one is refused with its reason. (The exhaustive cases are in
// the host tests and the fuzzers.)

namespace {

// One file "a" holding "hi", then the trailer, as `cpio -o -H newc` writes them.
constexpr char newc_archive[] = "070701"
                                "00000001" "000081A4" "00000000" "00000000" "00000001" "00000000" "00000002"
                                "00000000" "00000000" "00000000" "00000000" "00000002" "00000000"
                                "a\0"
                                "hi\0\0"
                                "070701"
                                "00000000" "00000000" "00000000" "00000000" "00000001" "00000000" "00000000"
                                "00000000" "00000000" "00000000" "00000000" "0000000B" "00000000"
                                "TRAILER!!!\0\0";

ReadonlyBytes archive_bytes(size_t length = sizeof(newc_archive) - 1)
{
    return { reinterpret_cast<const uint8_t*>(newc_archive), length };
}

template<typename T>
void put(uint8_t* image, size_t offset, T value)
{
    memcpy(image + offset, &value, sizeof(T));
}

// A text page at 0x400000 whose entry is its first byte.
alignas(8) uint8_t s_elf[0x1000 + 0x10];

ReadonlyBytes build_elf(uint32_t text_flags)
{
    memset(s_elf, 0, sizeof(s_elf));
    const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    memcpy(s_elf, ident, sizeof(ident));
    put<uint16_t>(s_elf, 16, 2);
    put<uint16_t>(s_elf, 18, 62);
    put<uint32_t>(s_elf, 20, 1);
    put<uint64_t>(s_elf, 24, 0x400000);
    put<uint64_t>(s_elf, 32, 64);
    put<uint16_t>(s_elf, 52, 64);
    put<uint16_t>(s_elf, 54, 56);
    put<uint16_t>(s_elf, 56, 1);
    put<uint32_t>(s_elf, 64, 1);
    put<uint32_t>(s_elf, 68, text_flags);
    put<uint64_t>(s_elf, 64 + 16, 0x400000);
    put<uint64_t>(s_elf, 64 + 32, 0x1000);
    put<uint64_t>(s_elf, 64 + 40, 0x1000);
    put<uint64_t>(s_elf, 64 + 48, 0x1000);
    return { s_elf, sizeof(s_elf) };
}

} // namespace

KERNEL_TEST(initrd_reads_newc_in_kernel)
{
    Diagnostic diagnostic;
    auto initrd = boot::Initrd::create(archive_bytes(), diagnostic);
    EXPECT(initrd.is_ok());
    if (initrd.is_error())
        return;
    EXPECT_EQ(initrd.value().entry_count(), 1u);
    auto data = initrd.value().file("/a");
    EXPECT(data.is_ok());
    if (data.is_ok())
        EXPECT(StringView(reinterpret_cast<const char*>(data.value().data()), data.value().size()) == StringView("hi"));
    EXPECT(initrd.value().find("b").error() == Error::NotFound);
}

KERNEL_TEST(initrd_refuses_truncation_in_kernel)
{
    Diagnostic diagnostic;
    EXPECT(boot::Initrd::create(archive_bytes(150), diagnostic).is_error());
    EXPECT(diagnostic.message() == StringView("cpio archive is truncated: entry at offset 0x74 has no room for its header (the archive must end with TRAILER!!!)"));
}

KERNEL_TEST(elf_accepts_static_executable_in_kernel)
{
    Diagnostic diagnostic;
    auto image = loader::ElfImage::parse(build_elf(5), diagnostic);
    EXPECT(image.is_ok());
    if (image.is_error())
        return;
    EXPECT_EQ(image.value().entry(), 0x400000u);
    EXPECT_EQ(image.value().segment_count(), 1u);
    EXPECT_EQ(image.value().mapped_size(), 0x1000u);
}

KERNEL_TEST(elf_refuses_writable_code_in_kernel)
{
    Diagnostic diagnostic;
    auto image = loader::ElfImage::parse(build_elf(7), diagnostic);
    EXPECT(image.is_error());
    EXPECT(diagnostic.code() == Error::AccessDenied);
    EXPECT(diagnostic.message() == StringView("program header 0: segment is writable and executable (W^X)"));
}

} // namespace gehri

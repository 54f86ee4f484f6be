#include <cstring>
#include <gtest/gtest.h>
#include <kernel/loader/Elf64.h>
#include <string>
#include <tests/host/support/ParserInvariants.h>
#include <vector>

using namespace gehri;
using namespace gehri::loader;

namespace {

constexpr uint32_t PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_SHLIB = 5, PT_PHDR = 6, PT_TLS = 7;
constexpr uint32_t PT_GNU_EH_FRAME = 0x6474e550, PT_GNU_STACK = 0x6474e551;
constexpr uint32_t PF_X = 1, PF_W = 2, PF_R = 4;

// Offsets of the ELF header fields and of the program header fields (gABI).
enum HeaderField : size_t { e_type = 16, e_machine = 18, e_version = 20, e_entry = 24, e_phoff = 32, e_ehsize = 52, e_phentsize = 54, e_phnum = 56 };
enum ProgramField : size_t { p_type = 0, p_flags = 4, p_offset = 8, p_vaddr = 16, p_paddr = 24, p_filesz = 32, p_memsz = 40, p_align = 48 };

struct Segment {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

// The smallest image a linker would make, laid out like GNU ld's output: a read-execute
// segment at 0x400000 holding the headers and the code, and a read-write data segment with
// bss on the next page, plus a non-executable stack note.
class ElfBuilder {
public:
    ElfBuilder()
    {
        m_segments = {
            { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000, 0x1000 },
            { PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x100, 0x2000, 0x1000 },
            { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16 },
        };
    }
    std::vector<Segment>& segments() { return m_segments; }
    ElfBuilder& entry(uint64_t value)
    {
        m_entry = value;
        return *this;
    }
    ElfBuilder& file_size(size_t size)
    {
        m_file_size = size;
        return *this;
    }

    std::vector<uint8_t> build() const
    {
        std::vector<uint8_t> bytes(m_file_size, 0);
        const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
        std::memcpy(bytes.data(), ident, sizeof(ident));
        put<uint16_t>(bytes, e_type, 2);
        put<uint16_t>(bytes, e_machine, 62);
        put<uint32_t>(bytes, e_version, 1);
        put<uint64_t>(bytes, e_entry, m_entry);
        put<uint64_t>(bytes, e_phoff, 64);
        put<uint16_t>(bytes, e_ehsize, 64);
        put<uint16_t>(bytes, e_phentsize, 56);
        put<uint16_t>(bytes, e_phnum, static_cast<uint16_t>(m_segments.size()));
        for (size_t i = 0; i < m_segments.size(); ++i) {
            auto& s = m_segments[i];
            size_t at = 64 + i * 56;
            put(bytes, at + p_type, s.type);
            put(bytes, at + p_flags, s.flags);
            put(bytes, at + p_offset, s.offset);
            put(bytes, at + p_vaddr, s.vaddr);
            put(bytes, at + p_paddr, s.vaddr);
            put(bytes, at + p_filesz, s.filesz);
            put(bytes, at + p_memsz, s.memsz);
            put(bytes, at + p_align, s.align);
        }
        return bytes;
    }

    template<typename T>
    static void put(std::vector<uint8_t>& bytes, size_t offset, T value)
    {
        std::memcpy(bytes.data() + offset, &value, sizeof(T));
    }

private:
    std::vector<Segment> m_segments;
    uint64_t m_entry { 0x400100 };
    size_t m_file_size { 0x1100 };
};

ReadonlyBytes view(const std::vector<uint8_t>& bytes) { return { bytes.data(), bytes.size() }; }
std::string text(StringView view) { return std::string(view.characters(), view.length()); }

struct Rejection {
    Error code;
    std::string message;
};

// Parses and expects a rejection; returns it for the caller to inspect.
Rejection reject(const std::vector<uint8_t>& bytes)
{
    Diagnostic diagnostic;
    auto image = ElfImage::parse(view(bytes), diagnostic);
    EXPECT_TRUE(image.is_error()) << "accepted an image that should have been rejected";
    EXPECT_TRUE(diagnostic.has_failed());
    EXPECT_FALSE(diagnostic.message().is_empty());
    return { image.is_error() ? image.error() : Error::InvalidArgument, text(diagnostic.message()) };
}

#define EXPECT_REJECTED(bytes, expected_code, expected_text)                                                          \
    do {                                                                                                              \
        auto rejection = reject(bytes);                                                                               \
        EXPECT_EQ(rejection.code, expected_code) << rejection.message;                                                \
        EXPECT_NE(rejection.message.find(expected_text), std::string::npos) << "message: " << rejection.message;    \
    } while (0)

} // namespace

TEST(Elf64, AcceptsAndDescribesAMinimalStaticExecutable)
{
    auto bytes = ElfBuilder().build();
    Diagnostic diagnostic;
    auto result = ElfImage::parse(view(bytes), diagnostic);
    ASSERT_TRUE(result.is_ok()) << diagnostic.c_str();
    EXPECT_FALSE(diagnostic.has_failed());
    auto& image = result.value();
    EXPECT_EQ(image.entry(), 0x400100u);
    ASSERT_EQ(image.segment_count(), 2u);
    auto& text_segment = image.segment(0);
    EXPECT_EQ(text_segment.virtual_address, 0x400000u);
    EXPECT_EQ(text_segment.memory_size, 0x1000u);
    EXPECT_TRUE(text_segment.readable);
    EXPECT_TRUE(text_segment.executable);
    EXPECT_FALSE(text_segment.writable);
    auto& data_segment = image.segment(1);
    EXPECT_EQ(data_segment.virtual_address, 0x401000u);
    EXPECT_EQ(data_segment.file_size, 0x100u);
    EXPECT_EQ(data_segment.memory_size, 0x2000u);
    EXPECT_TRUE(data_segment.writable);
    EXPECT_FALSE(data_segment.executable);
    EXPECT_EQ(image.segment_bytes(1).data(), bytes.data() + 0x1000);
    EXPECT_EQ(image.segment_bytes(1).size(), 0x100u);
    EXPECT_EQ(image.mapped_size(), 0x3000u);
    EXPECT_EQ(invariants::check_elf(image, view(bytes)), nullptr);
}

TEST(Elf64, MappedSizeCountsWholePagesOfUnalignedSegments)
{
    ElfBuilder builder;
    builder.segments()[1] = { PT_LOAD, PF_R | PF_W, 0x1010, 0x401010, 0x10, 0x1000, 0x1000 }; // spans two pages
    auto bytes = builder.build();
    Diagnostic diagnostic;
    auto image = ElfImage::parse(view(bytes), diagnostic);
    ASSERT_TRUE(image.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(image.value().mapped_size(), 0x1000u + 0x2000u);
}

TEST(Elf64, RejectsEveryTruncationOfTheHeader)
{
    auto bytes = ElfBuilder().build();
    for (size_t size = 0; size < 64; ++size) {
        std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<long>(size));
        EXPECT_REJECTED(truncated, Error::BadFormat, "too small for an ELF header");
    }
    // Headers intact, program header table cut short.
    for (size_t size = 64; size < 64 + 3 * 56; size += 7) {
        std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<long>(size));
        EXPECT_REJECTED(truncated, Error::BadFormat, "program header table");
    }
}

TEST(Elf64, RejectsBadIdentification)
{
    for (size_t i = 0; i < 4; ++i) {
        auto bytes = ElfBuilder().build();
        bytes[i] ^= 0x20;
        EXPECT_REJECTED(bytes, Error::BadFormat, "not an ELF file");
    }
    auto mutate = [](size_t offset, uint8_t value) {
        auto bytes = ElfBuilder().build();
        bytes[offset] = value;
        return bytes;
    };
    EXPECT_REJECTED(mutate(4, 1), Error::NotSupported, "not a 64-bit ELF file (class 1)");
    EXPECT_REJECTED(mutate(4, 0), Error::NotSupported, "not a 64-bit");
    EXPECT_REJECTED(mutate(5, 2), Error::NotSupported, "not little-endian");
    EXPECT_REJECTED(mutate(6, 0), Error::BadFormat, "identification version 0");
    EXPECT_REJECTED(mutate(7, 9), Error::NotSupported, "OS ABI 9");
    EXPECT_REJECTED(mutate(8, 1), Error::NotSupported, "ABI version 1");
    Diagnostic diagnostic;
    auto gnu = mutate(7, 3); // ELFOSABI_GNU: what GNU ld writes for IFUNC users
    EXPECT_TRUE(ElfImage::parse(view(gnu), diagnostic).is_ok()) << diagnostic.c_str();
}

TEST(Elf64, RejectsBadHeaderFields)
{
    auto with = [](size_t offset, auto value) {
        auto bytes = ElfBuilder().build();
        ElfBuilder::put(bytes, offset, value);
        return bytes;
    };
    EXPECT_REJECTED(with(e_type, uint16_t(1)), Error::NotSupported, "ET_REL");
    EXPECT_REJECTED(with(e_type, uint16_t(3)), Error::NotSupported, "ET_DYN");
    EXPECT_REJECTED(with(e_type, uint16_t(4)), Error::NotSupported, "ET_CORE");
    EXPECT_REJECTED(with(e_type, uint16_t(0)), Error::BadFormat, "unknown ELF file type 0x0");
    EXPECT_REJECTED(with(e_type, uint16_t(0xfe00)), Error::BadFormat, "unknown ELF file type 0xfe00");
    EXPECT_REJECTED(with(e_machine, uint16_t(3)), Error::NotSupported, "not an x86_64 program (machine 3)");
    EXPECT_REJECTED(with(e_machine, uint16_t(183)), Error::NotSupported, "machine 183");
    EXPECT_REJECTED(with(e_version, uint32_t(0)), Error::BadFormat, "unknown ELF version 0");
    EXPECT_REJECTED(with(e_version, uint32_t(2)), Error::BadFormat, "unknown ELF version 2");
    EXPECT_REJECTED(with(e_ehsize, uint16_t(52)), Error::BadFormat, "ELF header size is 52");
    EXPECT_REJECTED(with(e_phentsize, uint16_t(32)), Error::BadFormat, "program header size is 32");
    EXPECT_REJECTED(with(e_phentsize, uint16_t(64)), Error::BadFormat, "program header size is 64");
    EXPECT_REJECTED(with(e_phnum, uint16_t(0)), Error::BadFormat, "no program headers");
    EXPECT_REJECTED(with(e_phnum, uint16_t(0xffff)), Error::NotSupported, "too many program headers");
    EXPECT_REJECTED(with(e_phnum, uint16_t(65)), Error::NotSupported, "too many program headers (65, at most 64)");
    EXPECT_REJECTED(with(e_phoff, uint64_t(0x1100 - 3 * 56 + 1)), Error::BadFormat, "program header table (offset 0x1059, 3 entries) extends past the end of the file");
    EXPECT_REJECTED(with(e_phoff, uint64_t(0)), Error::BadFormat, "overlaps the ELF header");
    EXPECT_REJECTED(with(e_phoff, uint64_t(63)), Error::BadFormat, "overlaps the ELF header");
    EXPECT_REJECTED(with(e_phoff, uint64_t(0x10ff)), Error::BadFormat, "extends past the end of the file");
    EXPECT_REJECTED(with(e_phoff, uint64_t(-1)), Error::BadFormat, "extends past the end of the file");
    EXPECT_REJECTED(with(e_phoff, uint64_t(1) << 63), Error::BadFormat, "extends past the end of the file");
    EXPECT_REJECTED(with(e_entry, uint64_t(0)), Error::BadFormat, "entry point 0x0 is outside every loadable segment");
    EXPECT_REJECTED(with(e_entry, uint64_t(0x401000)), Error::BadFormat, "non-executable segment");
}

TEST(Elf64, RejectsBadLoadableSegments)
{
    auto with_segment = [](size_t index, Segment segment) {
        ElfBuilder builder;
        builder.segments()[index] = segment;
        return builder.build();
    };
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x100, 0xff, 0x1000 }), Error::BadFormat, "program header 1: file size 0x100 exceeds memory size 0xff");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x101, 0x2000, 0x1000 }), Error::BadFormat, "program header 1: file range 0x1000+0x101 extends past the end");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, uint64_t(-8), 0x401000, 0x10, 0x2000, 0x1000 }), Error::BadFormat, "extends past the end");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0, 0, 0x1000 }), Error::BadFormat, "program header 1: loadable segment is empty");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W | PF_X, 0x1000, 0x401000, 0x100, 0x2000, 0x1000 }), Error::AccessDenied, "program header 1: segment is writable and executable");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | 8, 0x1000, 0x401000, 0x100, 0x2000, 0x1000 }), Error::BadFormat, "unknown segment flags 0xc");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | 0x00100000, 0x1000, 0x401000, 0x100, 0x2000, 0x1000 }), Error::BadFormat, "unknown segment flags");
    for (uint64_t alignment : { 0ull, 1ull, 3ull, 0x800ull, 0x1800ull, 1ull << 31, 1ull << 63 })
        EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x100, 0x2000, alignment }), Error::BadFormat, "alignment");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x401800, 0x100, 0x2000, 0x1000 }), Error::BadFormat, "disagree modulo the alignment");
    EXPECT_REJECTED(with_segment(1, { PT_LOAD, PF_R | PF_W, 0x1000, 0x602000, 0x100, 0x2000, 0x200000 }), Error::BadFormat, "virtual address 0x602000 and file offset 0x1000 disagree modulo the alignment 0x200000");
}

TEST(Elf64, KeepsSegmentsInsideUserSpace)
{
    auto with_data_at = [](uint64_t vaddr, uint64_t memsz) {
        ElfBuilder builder;
        builder.segments()[1] = { PT_LOAD, PF_R | PF_W, 0x1000, vaddr, 0x100, memsz, 0x1000 };
        return builder.build();
    };
    auto accepted = [](const std::vector<uint8_t>& bytes) {
        Diagnostic diagnostic;
        auto image = ElfImage::parse(view(bytes), diagnostic);
        if (image.is_ok()) {
            EXPECT_EQ(invariants::check_elf(image.value(), view(bytes)), nullptr);
        }
        return image.is_ok();
    };
    // The data segment is moved around alone; the text segment stays at 0x400000.
    EXPECT_TRUE(accepted(with_data_at(0x00007fffffffe000, 0x1000))); // ends exactly at the ceiling
    EXPECT_REJECTED(with_data_at(0x00007fffffffe000, 0x1001), Error::OutOfRange, "outside user space");
    EXPECT_REJECTED(with_data_at(0x00007ffffffff000, 0x1000), Error::OutOfRange, "outside user space"); // the guard page
    EXPECT_REJECTED(with_data_at(0x0000800000000000, 0x1000), Error::OutOfRange, "outside user space");
    EXPECT_REJECTED(with_data_at(0xffff800000000000, 0x1000), Error::OutOfRange, "outside user space"); // kernel half
    EXPECT_REJECTED(with_data_at(0x00007fffffffe000, uint64_t(-0x1000)), Error::OutOfRange, "outside user space"); // wraps

    ElfBuilder low;
    low.segments()[0].vaddr = 0; // page 0
    low.segments()[1].vaddr = 0x1000;
    EXPECT_REJECTED(low.entry(0x100).build(), Error::OutOfRange, "program header 0: segment 0x0+0x1000 is outside user space");
    low.segments()[0].vaddr = 0xf000; // below the 64 KiB floor
    low.segments()[1].vaddr = 0x10000;
    EXPECT_REJECTED(low.entry(0xf100).build(), Error::OutOfRange, "outside user space");
    low.segments()[0].vaddr = 0x10000; // exactly at the floor
    low.segments()[1].vaddr = 0x11000;
    EXPECT_TRUE(accepted(low.entry(0x10100).build()));
}

TEST(Elf64, RejectsOverlappingUnsortedAndPageSharingSegments)
{
    ElfBuilder overlap;
    overlap.segments()[1] = { PT_LOAD, PF_R | PF_W, 0x1000, 0x400000 + 0x1000 - 0x1000, 0x100, 0x2000, 0x1000 };
    overlap.segments()[1].vaddr = 0x400000; // on top of the text segment
    EXPECT_REJECTED(overlap.build(), Error::BadFormat, "program header 1: segment overlaps or shares a page with program header 0");

    ElfBuilder shared_page;
    shared_page.segments()[0].memsz = 0x1100; // text's last page is the data's first
    EXPECT_REJECTED(shared_page.build(), Error::BadFormat, "shares a page");

    ElfBuilder unsorted;
    std::swap(unsorted.segments()[0], unsorted.segments()[1]);
    EXPECT_REJECTED(unsorted.build(), Error::BadFormat, "program header 1: loadable segments are not in ascending address order");

    ElfBuilder gap; // a note between the loads: overlap is judged between loadable segments
    gap.segments().insert(gap.segments().begin() + 1, { PT_NOTE, PF_R, 0x200, 0x400200, 0x20, 0x20, 4 });
    gap.segments()[2].vaddr = 0x400000 + 0x800;
    gap.segments()[2].offset = 0x800;
    gap.segments()[2].filesz = 0x100;
    EXPECT_REJECTED(gap.build(), Error::BadFormat, "program header 2: segment overlaps or shares a page with program header 0");
}

TEST(Elf64, LimitsTheNumberOfLoadableSegments)
{
    auto build = [](size_t count) {
        ElfBuilder builder;
        builder.segments().clear();
        builder.segments().push_back({ PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000, 0x1000 });
        for (size_t i = 1; i < count; ++i)
            builder.segments().push_back({ PT_LOAD, PF_R, 0x1000, 0x400000 + i * 0x2000 + 0x1000, 0x10, 0x10, 0x1000 });
        return builder.build();
    };
    Diagnostic diagnostic;
    auto sixteen = build(16);
    EXPECT_TRUE(ElfImage::parse(view(sixteen), diagnostic).is_ok()) << diagnostic.c_str();
    EXPECT_REJECTED(build(17), Error::NotSupported, "program header 16: too many loadable segments (at most 16)");
}

TEST(Elf64, RejectsDynamicLinkingAndUnsupportedHeaders)
{
    auto with_extra = [](Segment extra) {
        ElfBuilder builder;
        builder.segments().push_back(extra);
        return builder.build();
    };
    EXPECT_REJECTED(with_extra({ PT_INTERP, PF_R, 0x200, 0x400200, 0x1c, 0x1c, 1 }), Error::NotSupported, "program header 3: program asks for an interpreter (PT_INTERP)");
    EXPECT_REJECTED(with_extra({ PT_DYNAMIC, PF_R | PF_W, 0x1000, 0x401000, 0x80, 0x80, 8 }), Error::NotSupported, "dynamic linking is not supported (PT_DYNAMIC)");
    EXPECT_REJECTED(with_extra({ PT_TLS, PF_R, 0x1000, 0x401000, 0x10, 0x20, 8 }), Error::NotSupported, "thread-local storage");
    EXPECT_REJECTED(with_extra({ PT_SHLIB, PF_R, 0, 0, 0, 0, 0 }), Error::NotSupported, "PT_SHLIB");
    EXPECT_REJECTED(with_extra({ 8, PF_R, 0, 0, 0, 0, 0 }), Error::BadFormat, "program header 3: unknown type 0x8");
    EXPECT_REJECTED(with_extra({ 0x5fffffff, PF_R, 0, 0, 0, 0, 0 }), Error::BadFormat, "unknown type 0x5fffffff");
    EXPECT_REJECTED(with_extra({ PT_NOTE, PF_R, 0x1000, 0, 0x200, 0x200, 4 }), Error::BadFormat, "program header 3: file range 0x1000+0x200 extends past the end");

    ElfBuilder executable_stack;
    executable_stack.segments()[2].flags = PF_R | PF_W | PF_X;
    EXPECT_REJECTED(executable_stack.build(), Error::AccessDenied, "executable stack");
}

TEST(Elf64, IgnoresHeadersThatDoNotAffectLoading)
{
    ElfBuilder builder;
    builder.segments().push_back({ PT_NOTE, PF_R, 0x200, 0x400200, 0x20, 0x20, 4 });
    builder.segments().push_back({ PT_PHDR, PF_R, 64, 0x400040, 4 * 56, 4 * 56, 8 });
    builder.segments().push_back({ PT_GNU_EH_FRAME, PF_R, 0x300, 0x400300, 0x10, 0x10, 4 });
    builder.segments().push_back({ 0, 0xffffffff, uint64_t(-1), uint64_t(-1), uint64_t(-1), 0, 77 }); // PT_NULL, garbage
    builder.segments().push_back({ 0x70000001, 0, 0, 0, 0, 0, 0 }); // processor-specific
    auto bytes = builder.build();
    Diagnostic diagnostic;
    auto image = ElfImage::parse(view(bytes), diagnostic);
    ASSERT_TRUE(image.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(image.value().segment_count(), 2u);
}

TEST(Elf64, EntryPointMustBeCodeFromTheFile)
{
    ElfBuilder bss_entry;
    bss_entry.segments()[0].filesz = 0x800; // text's second half is zero-filled
    bss_entry.entry(0x400900);
    EXPECT_REJECTED(bss_entry.build(), Error::BadFormat, "entry point 0x400900 is in the zero-filled part");
    EXPECT_REJECTED(ElfBuilder().entry(0x403000).build(), Error::BadFormat, "outside every loadable segment");
    EXPECT_REJECTED(ElfBuilder().entry(0x3fffff).build(), Error::BadFormat, "outside every loadable segment");
    Diagnostic diagnostic;
    auto last_byte = ElfBuilder().entry(0x400fff).build();
    EXPECT_TRUE(ElfImage::parse(view(last_byte), diagnostic).is_ok()) << diagnostic.c_str();

    ElfBuilder no_loads;
    no_loads.segments().erase(no_loads.segments().begin(), no_loads.segments().begin() + 2);
    EXPECT_REJECTED(no_loads.build(), Error::BadFormat, "no loadable segments");
}

// Every byte of the ELF header and of every program header, set to values that matter at
// the edges: whatever the outcome, a rejection explains itself and an acceptance is sound.
TEST(Elf64, EveryHeaderByteMutatedIsRejectedWithAReasonOrAcceptedSoundly)
{
    auto original = ElfBuilder().build();
    size_t table_end = 64 + 3 * 56;
    size_t rejected = 0;
    size_t total = 0;
    for (size_t offset = 0; offset < table_end; ++offset) {
        for (uint8_t value : { 0x00, 0x01, 0x02, 0x07, 0x10, 0x40, 0x7f, 0x80, 0xfe, 0xff }) {
            if (original[offset] == value)
                continue;
            auto bytes = original;
            bytes[offset] = value;
            Diagnostic diagnostic;
            auto image = ElfImage::parse(view(bytes), diagnostic);
            ++total;
            if (image.is_error()) {
                ++rejected;
                EXPECT_TRUE(diagnostic.has_failed());
                EXPECT_FALSE(diagnostic.message().is_empty()) << "offset " << offset;
                EXPECT_EQ(diagnostic.code(), image.error());
            } else {
                EXPECT_EQ(invariants::check_elf(image.value(), view(bytes)), nullptr) << "offset " << offset << " value " << int(value);
            }
        }
    }
    // Bytes such as e_flags, p_paddr and the identification padding do not matter; most do.
    EXPECT_GT(rejected, total / 2);
}

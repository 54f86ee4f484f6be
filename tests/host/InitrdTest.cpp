#include <cstdio>
#include <gtest/gtest.h>
#include <kernel/boot/Initrd.h>
#include <string>
#include <tests/host/support/ParserInvariants.h>
#include <vector>

using namespace gehri;
using namespace gehri::boot;

namespace {

constexpr uint32_t S_REG = 0100644, S_EXE = 0100755, S_DIR = 0040755, S_LNK = 0120777, S_FIFO = 0010644;

struct CpioEntry {
    std::string name;
    uint32_t mode;
    std::string data;
    uint32_t inode { 0 };
    uint32_t links { 1 };
};

// Writes what `cpio -o -H newc` writes: per entry a 110-byte ASCII header, the name and its
// NUL padded to 4 bytes, the data padded to 4 bytes; then TRAILER!!! and zeros to 512.
class CpioBuilder {
public:
    explicit CpioBuilder(std::string magic = "070701")
        : m_magic(std::move(magic))
    {
    }
    CpioBuilder& add(CpioEntry entry)
    {
        if (entry.inode == 0)
            entry.inode = ++m_next_inode;
        uint32_t check = 0;
        if (m_magic == "070702" && (entry.mode & 0170000) == 0100000) {
            for (unsigned char c : entry.data)
                check += c;
        }
        uint32_t fields[13] = { entry.inode, entry.mode, 0, 0, entry.links, 0x65000000,
            static_cast<uint32_t>(entry.data.size()), 8, 1, 0, 0, static_cast<uint32_t>(entry.name.size() + 1), check };
        std::string header = m_magic;
        for (auto field : fields) {
            char hex[9];
            std::snprintf(hex, sizeof(hex), "%08X", field);
            header += hex;
        }
        m_bytes += header + entry.name + '\0';
        pad();
        m_bytes += entry.data;
        pad();
        return *this;
    }
    CpioBuilder& file(std::string name, std::string data, uint32_t mode = S_REG) { return add({ std::move(name), mode, std::move(data) }); }
    CpioBuilder& directory(std::string name) { return add({ std::move(name), S_DIR, "" }); }
    std::string finish(bool pad_to_block = true)
    {
        m_trailer_offset = m_bytes.size();
        add({ "TRAILER!!!", 0, "", 0, 1 });
        while (pad_to_block && m_bytes.size() % 512)
            m_bytes += '\0';
        return m_bytes;
    }
    size_t trailer_offset() const { return m_trailer_offset; }

private:
    void pad()
    {
        while (m_bytes.size() % 4)
            m_bytes += '\0';
    }
    std::string m_magic;
    std::string m_bytes;
    uint32_t m_next_inode { 0 };
    size_t m_trailer_offset { 0 };
};

ReadonlyBytes view(const std::string& bytes) { return { reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size() }; }
std::string text(StringView view) { return std::string(view.characters(), view.length()); }
std::string text(ReadonlyBytes bytes) { return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()); }

std::string sample_archive()
{
    return CpioBuilder()
        .directory(".")
        .directory("bin")
        .file("bin/drone", "\x7f" "ELF drone", S_EXE)
        .file("swarm.manifest", "[agent drone]\nprogram = bin/drone\n")
        .add({ "init", S_LNK, "bin/drone" })
        .file("empty", "")
        .finish();
}

std::string rejection(const std::string& archive, Error expected_code = Error::BadFormat)
{
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic);
    EXPECT_TRUE(initrd.is_error()) << "accepted a malformed archive";
    if (initrd.is_error()) {
        EXPECT_EQ(initrd.error(), expected_code) << diagnostic.c_str();
    }
    EXPECT_FALSE(diagnostic.message().is_empty());
    return text(diagnostic.message());
}

#define EXPECT_MESSAGE(message, fragment) EXPECT_NE((message).find(fragment), std::string::npos) << "message: " << (message)

} // namespace

TEST(Initrd, ListsEntriesInArchiveOrderWithoutRootAndTrailer)
{
    auto archive = sample_archive();
    Diagnostic diagnostic;
    auto result = Initrd::create(view(archive), diagnostic);
    ASSERT_TRUE(result.is_ok()) << diagnostic.c_str();
    auto& initrd = result.value();
    EXPECT_EQ(initrd.entry_count(), 5u);
    std::vector<std::string> paths;
    std::vector<InitrdEntryKind> kinds;
    for (auto& entry : initrd) {
        paths.push_back(text(entry.path));
        kinds.push_back(entry.kind);
    }
    EXPECT_EQ(paths, (std::vector<std::string> { "bin", "bin/drone", "swarm.manifest", "init", "empty" }));
    EXPECT_EQ(kinds, (std::vector<InitrdEntryKind> { InitrdEntryKind::Directory, InitrdEntryKind::File, InitrdEntryKind::File, InitrdEntryKind::Symlink, InitrdEntryKind::File }));
    EXPECT_EQ(invariants::check_initrd(initrd, view(archive)), nullptr);
}

TEST(Initrd, FindsFilesByAnySpellingOfTheirPath)
{
    auto archive = sample_archive();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic).release_value();
    for (auto path : { "bin/drone", "./bin/drone", "/bin/drone", ".//bin/drone" }) {
        auto data = initrd.file(path);
        ASSERT_TRUE(data.is_ok()) << path;
        EXPECT_EQ(text(data.value()), "\x7f" "ELF drone");
    }
    auto drone = initrd.find("bin/drone").release_value();
    EXPECT_EQ(drone.mode, S_EXE);
    // Data is 4-byte aligned in the archive, as newc promises.
    EXPECT_EQ((drone.data.data() - reinterpret_cast<const uint8_t*>(archive.data())) % 4, 0);
    EXPECT_EQ(text(initrd.file("swarm.manifest").value()), "[agent drone]\nprogram = bin/drone\n");
    EXPECT_TRUE(initrd.file("empty").is_ok());
    EXPECT_EQ(initrd.file("empty").value().size(), 0u);
    EXPECT_EQ(initrd.file("bin").error(), Error::InvalidArgument); // a directory
    EXPECT_EQ(initrd.file("init").error(), Error::InvalidArgument); // symlinks are not followed
    EXPECT_EQ(text(initrd.find("init").value().data), "bin/drone");
    EXPECT_EQ(initrd.find("drone").error(), Error::NotFound);
    EXPECT_EQ(initrd.find("bin/dron").error(), Error::NotFound);
    EXPECT_EQ(initrd.find("bin/drone/").error(), Error::NotFound);
    EXPECT_EQ(initrd.find("").error(), Error::NotFound);
    EXPECT_EQ(initrd.find(".").error(), Error::NotFound);
    EXPECT_EQ(initrd.find("TRAILER!!!").error(), Error::NotFound);
}

TEST(Initrd, FindsEveryEntryOfAManyFileArchiveAndNothingElse)
{
    // Names that sort close together: prefixes of one another, and in reverse archive order.
    CpioBuilder builder;
    builder.directory(".").directory("bin");
    std::vector<std::string> names;
    for (int i = 299; i >= 0; --i) {
        names.push_back("bin/agent" + std::to_string(i));
        builder.file(names.back(), "program " + std::to_string(i));
    }
    builder.file("bin/agent", "the short one").file("b", "b");
    auto archive = builder.finish();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic);
    ASSERT_TRUE(initrd.is_ok()) << diagnostic.c_str();
    for (int i = 0; i < 300; ++i)
        EXPECT_EQ(text(initrd.value().file(("bin/agent" + std::to_string(i)).c_str()).value()), "program " + std::to_string(i));
    EXPECT_EQ(text(initrd.value().file("/bin/agent").value()), "the short one");
    EXPECT_EQ(text(initrd.value().file("b").value()), "b");
    for (auto missing : { "a", "bin/agent300", "bin/agent-1", "bin/agen", "bin/agent00", "c", "bin/agent1/x" })
        EXPECT_EQ(initrd.value().find(missing).error(), Error::NotFound) << missing;
}

TEST(Initrd, ReadsNamesAsFindWritesThem)
{
    auto archive = CpioBuilder().directory(".").directory("./bin").file("./bin/drone", "x").finish();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic);
    ASSERT_TRUE(initrd.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(initrd.value().entry_count(), 2u);
    EXPECT_EQ(text((*++initrd.value().begin()).path), "bin/drone");
    EXPECT_TRUE(initrd.value().file("bin/drone").is_ok());
}

TEST(Initrd, AcceptsAnEmptyArchiveAndOtherFileTypes)
{
    auto empty = CpioBuilder().finish();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(empty), diagnostic);
    ASSERT_TRUE(initrd.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(initrd.value().entry_count(), 0u);
    EXPECT_TRUE(initrd.value().begin() == initrd.value().end());

    auto with_fifo = CpioBuilder().add({ "pipe", S_FIFO, "" }).finish(false);
    auto fifo = Initrd::create(view(with_fifo), diagnostic);
    ASSERT_TRUE(fifo.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(fifo.value().find("pipe").value().kind, InitrdEntryKind::Other);
}

TEST(Initrd, IgnoresWhatFollowsTheTrailer)
{
    auto archive = sample_archive() + std::string(1024, '\0') + "garbage after the end";
    Diagnostic diagnostic;
    EXPECT_TRUE(Initrd::create(view(archive), diagnostic).is_ok()) << diagnostic.c_str();
}

TEST(Initrd, RejectsEveryTruncation)
{
    CpioBuilder builder;
    builder.directory(".").file("bin/drone", "0123456789abcdef0123").file("x", "y");
    auto archive = builder.finish(false);
    size_t trailer_record_end = builder.trailer_offset() + 110 + sizeof("TRAILER!!!");
    for (size_t size = 0; size < archive.size(); ++size) {
        Diagnostic diagnostic;
        auto initrd = Initrd::create(view(archive.substr(0, size)), diagnostic);
        if (size < trailer_record_end) {
            EXPECT_TRUE(initrd.is_error()) << "accepted a prefix of " << size << " bytes";
            EXPECT_FALSE(diagnostic.message().is_empty());
        } else {
            EXPECT_TRUE(initrd.is_ok()) << "the trailer's padding is optional: " << diagnostic.c_str();
        }
    }
    EXPECT_MESSAGE(rejection(""), "truncated");
    EXPECT_MESSAGE(rejection(archive.substr(0, builder.trailer_offset())), "must end with TRAILER!!!");
    EXPECT_MESSAGE(rejection(archive.substr(0, 100)), "entry at offset 0x0 has no room for its header");
    EXPECT_MESSAGE(rejection(archive.substr(0, 112 + 115)), "cpio entry at offset 0x70: name (10 bytes) extends past the end");
    EXPECT_MESSAGE(rejection(archive.substr(0, 112 + 120 + 10)), "cpio entry 'bin/drone' at offset 0x70: its 20 bytes of data extend past the end");
}

TEST(Initrd, RejectsBadMagicAndOtherCpioFormats)
{
    auto archive = sample_archive();
    for (auto magic : { "070707", "070700", "171717", "\xc7q\x00\x00\x00\x00" }) {
        auto copy = archive;
        copy.replace(0, 6, std::string(magic, 6));
        EXPECT_MESSAGE(rejection(copy), "cpio entry at offset 0x0: bad magic (expected 070701, the newc format)");
    }
}

TEST(Initrd, RejectsNonHexDigitsInEveryField)
{
    const char* names[] = { "ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check" };
    auto archive = sample_archive();
    for (size_t field = 0; field < 13; ++field) {
        for (char bad : { 'g', ' ', 'x', '\0', '-' }) {
            auto copy = archive;
            copy[6 + field * 8 + 7] = bad;
            EXPECT_MESSAGE(rejection(copy), std::string("field ") + names[field] + " is not 8 hex digits");
        }
    }
    auto lowercase = sample_archive();
    for (size_t i = 6; i < 110; ++i)
        lowercase[i] = static_cast<char>(std::tolower(lowercase[i]));
    Diagnostic diagnostic;
    EXPECT_TRUE(Initrd::create(view(lowercase), diagnostic).is_ok()) << diagnostic.c_str();
}

TEST(Initrd, RejectsBadNames)
{
    auto set_field = [](std::string archive, size_t field, uint32_t value) {
        char hex[9];
        std::snprintf(hex, sizeof(hex), "%08X", value);
        archive.replace(6 + field * 8, 8, hex);
        return archive;
    };
    constexpr size_t namesize = 11;
    auto archive = CpioBuilder().file("abc", "data").finish();
    EXPECT_MESSAGE(rejection(set_field(archive, namesize, 0)), "name size 0 is not between 1 and 4096");
    EXPECT_MESSAGE(rejection(set_field(archive, namesize, 4097)), "name size 4097");
    EXPECT_MESSAGE(rejection(set_field(archive, namesize, 0xffffffff)), "name size 4294967295");
    EXPECT_MESSAGE(rejection(set_field(archive, namesize, 3)), "name is not NUL-terminated");
    EXPECT_MESSAGE(rejection(set_field(archive, namesize, 600)), "name (600 bytes) extends past the end");
    auto embedded = archive;
    embedded[111] = '\0';
    EXPECT_MESSAGE(rejection(embedded), "name contains a NUL byte");
    EXPECT_MESSAGE(rejection(set_field(archive, 6, 0xfffffff0)), "data extend past the end");

    for (auto bad : { "a//b", "../etc/passwd", "bin/../../x", "a/./b", "a/", "bin/.", "bin/.." }) {
        auto message = rejection(CpioBuilder().file(bad, "x").finish());
        EXPECT_MESSAGE(message, "is not canonical");
        EXPECT_MESSAGE(message, bad);
    }
}

TEST(Initrd, RejectsDuplicatePaths)
{
    auto message = rejection(CpioBuilder().file("drone", "1").file("other", "2").file("./drone", "3").finish(), Error::AlreadyExists);
    EXPECT_MESSAGE(message, "cpio archive holds 'drone' twice (offsets 0x0 and 0xf0)");
}

TEST(Initrd, VerifiesChecksumsOfTheCrcVariant)
{
    auto archive = CpioBuilder("070702").directory(".").file("drone", "payload bytes").finish();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic);
    ASSERT_TRUE(initrd.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(text(initrd.value().file("drone").value()), "payload bytes");
    auto corrupted = archive;
    corrupted[corrupted.find("payload")] = 'P';
    EXPECT_MESSAGE(rejection(corrupted), "'drone' at offset 0x70: data checksum mismatch");
}

TEST(Initrd, ResolvesHardLinksToTheEntryHoldingTheData)
{
    // GNU cpio writes a hard-linked file's data only with the last of its names.
    auto archive = CpioBuilder()
                       .add({ "a", S_REG, "", 42, 2 })
                       .file("unrelated", "u")
                       .add({ "b", S_REG, "shared contents", 42, 2 })
                       .finish();
    Diagnostic diagnostic;
    auto initrd = Initrd::create(view(archive), diagnostic).release_value();
    EXPECT_EQ(text(initrd.file("a").value()), "shared contents");
    EXPECT_EQ(text(initrd.file("b").value()), "shared contents");
    EXPECT_EQ(invariants::check_initrd(initrd, view(archive)), nullptr);
}

// Every byte of a small archive's headers and names, overwritten: each result explains itself.
TEST(Initrd, EveryHeaderByteMutatedIsRejectedWithAReasonOrAcceptedSoundly)
{
    auto original = CpioBuilder().directory(".").file("bin/drone", "0123456789").finish(false);
    for (size_t offset = 0; offset < original.size(); ++offset) {
        for (char value : { '0', '1', '7', '9', 'F', 'f', 'z', '\0', '/', '.', '\xff' }) {
            auto bytes = original;
            bytes[offset] = value;
            Diagnostic diagnostic;
            auto initrd = Initrd::create(view(bytes), diagnostic);
            if (initrd.is_error()) {
                EXPECT_FALSE(diagnostic.message().is_empty());
                EXPECT_EQ(diagnostic.code(), initrd.error());
            } else {
                EXPECT_EQ(invariants::check_initrd(initrd.value(), view(bytes)), nullptr) << "offset " << offset;
            }
        }
    }
}

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <kernel/debug/SymbolTable.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace gehri;
using namespace gehri::debug;

namespace {

struct TestSymbol {
    uint64_t address;
    uint32_t size;
    std::string name;
};

// Encodes a blob byte by byte, independently of the parser, following SymbolTable.h.
class BlobBuilder {
public:
    BlobBuilder(uint64_t text_start, uint64_t text_end, std::vector<TestSymbol> symbols)
        : m_text_start(text_start)
        , m_text_end(text_end)
        , m_symbols(std::move(symbols))
    {
    }

    std::vector<uint8_t> build() const
    {
        std::vector<uint8_t> blob;
        std::string strings;
        for (auto c : std::string("GEHRISYM"))
            blob.push_back(static_cast<uint8_t>(c));
        put(blob, symbol_blob::version, 4);
        put(blob, m_symbols.size(), 4);
        put(blob, m_text_start, 8);
        put(blob, m_text_end, 8);
        size_t strings_size = 0;
        for (auto& symbol : m_symbols)
            strings_size += symbol.name.size();
        put(blob, strings_size, 4);
        put(blob, 0, 4);
        for (auto& symbol : m_symbols) {
            put(blob, symbol.address, 8);
            put(blob, symbol.size, 4);
            put(blob, strings.size(), 4);
            put(blob, symbol.name.size(), 4);
            put(blob, 0, 4);
            strings += symbol.name;
        }
        blob.insert(blob.end(), strings.begin(), strings.end());
        return blob;
    }

    static void put(std::vector<uint8_t>& blob, uint64_t value, int bytes)
    {
        for (int i = 0; i < bytes; ++i)
            blob.push_back(static_cast<uint8_t>(value >> (8 * i)));
    }

private:
    uint64_t m_text_start;
    uint64_t m_text_end;
    std::vector<TestSymbol> m_symbols;
};

constexpr uint64_t text_start = 0xffffffff80100000;
constexpr uint64_t text_end = 0xffffffff80100400;

std::vector<uint8_t> sample_blob()
{
    return BlobBuilder(text_start, text_end,
        {
            { 0xffffffff80100010, 0x30, "first()" },
            { 0xffffffff80100040, 0, "assembly_label" }, // no size: runs to the next symbol
            { 0xffffffff80100100, 0x80, "gehri::Thing::method(int) const" },
            { 0xffffffff80100300, 0x10, "last" },
        })
        .build();
}

std::string name(const Result<SymbolizedAddress>& found)
{
    if (found.is_error())
        return "<not found>";
    auto view = found.value().symbol.name;
    return std::string(view.characters(), view.length());
}

std::string symbolized(const SymbolTable& table, uint64_t address)
{
    char buffer[128];
    BufferSink sink(buffer, sizeof(buffer));
    format_symbolized(sink, table, address);
    return std::string(sink.view().characters(), sink.view().length());
}

SymbolTable parse(const std::vector<uint8_t>& blob)
{
    auto table = SymbolTable::create(blob.data(), blob.size());
    EXPECT_TRUE(table.is_ok());
    return table.is_ok() ? table.value() : SymbolTable();
}

} // namespace

TEST(SymbolTable, ExactHitsHaveOffsetZero)
{
    auto blob = sample_blob();
    SymbolTable table = parse(blob);
    ASSERT_EQ(table.symbol_count(), 4u);
    auto found = table.lookup(0xffffffff80100100);
    EXPECT_EQ(name(found), "gehri::Thing::method(int) const");
    EXPECT_EQ(found.value().offset, 0u);
    EXPECT_EQ(found.value().symbol.address, 0xffffffff80100100u);
    EXPECT_EQ(found.value().symbol.size, 0x80u);
    EXPECT_EQ(name(table.lookup(0xffffffff80100010)), "first()");
    EXPECT_EQ(name(table.lookup(0xffffffff80100300)), "last");
}

TEST(SymbolTable, OffsetsInsideFunctions)
{
    auto blob = sample_blob();
    SymbolTable table = parse(blob);
    auto found = table.lookup(0xffffffff80100100 + 0x7f);
    EXPECT_EQ(name(found), "gehri::Thing::method(int) const");
    EXPECT_EQ(found.value().offset, 0x7fu);
    EXPECT_EQ(symbolized(table, 0xffffffff80100025), "first()+0x15");
    // A symbol of unknown size covers everything up to the next symbol.
    EXPECT_EQ(symbolized(table, 0xffffffff801000ff), "assembly_label+0xbf");
}

TEST(SymbolTable, PaddingAfterASizedFunctionIsNotInside)
{
    auto blob = sample_blob();
    SymbolTable table = parse(blob);
    EXPECT_TRUE(table.lookup(0xffffffff80100180).is_error()); // method ends at 0x180
    EXPECT_EQ(table.lookup(0xffffffff80100180).error(), Error::NotFound);
    EXPECT_EQ(symbolized(table, 0xffffffff801002ff), "??");
}

TEST(SymbolTable, BeforeTheFirstAndAfterTheLastSymbol)
{
    auto blob = sample_blob();
    SymbolTable table = parse(blob);
    EXPECT_TRUE(table.lookup(0).is_error());
    EXPECT_TRUE(table.lookup(text_start).is_error());
    EXPECT_TRUE(table.lookup(0xffffffff8010000f).is_error());
    EXPECT_TRUE(table.lookup(0xffffffff80100310).is_error()); // past "last"'s size
    EXPECT_TRUE(table.lookup(text_end).is_error());
    EXPECT_TRUE(table.lookup(~uint64_t(0)).is_error());
    EXPECT_EQ(symbolized(table, 0x1234), "??");
}

TEST(SymbolTable, EveryAddressInASymbolMapsBackToIt)
{
    std::vector<TestSymbol> symbols;
    for (uint64_t i = 0; i < 300; ++i)
        symbols.push_back({ text_start + i * 16, 16, "f" + std::to_string(i) });
    auto blob = BlobBuilder(text_start, text_start + 300 * 16, symbols).build();
    SymbolTable table = parse(blob);
    for (uint64_t address = text_start; address < text_start + 300 * 16; ++address) {
        auto found = table.lookup(address);
        ASSERT_TRUE(found.is_ok());
        ASSERT_EQ(name(found), "f" + std::to_string((address - text_start) / 16));
        ASSERT_EQ(found.value().offset, (address - text_start) % 16);
    }
}

TEST(SymbolTable, EmptyTableAndTrailingPadding)
{
    auto empty = BlobBuilder(text_start, text_end, {}).build();
    SymbolTable table = parse(empty);
    EXPECT_EQ(table.symbol_count(), 0u);
    EXPECT_TRUE(table.lookup(text_start).is_error());
    EXPECT_TRUE(SymbolTable().lookup(text_start).is_error());

    auto padded = sample_blob();
    padded.resize(padded.size() + 13, 0); // section alignment
    EXPECT_EQ(parse(padded).symbol_count(), 4u);
}

TEST(SymbolTable, MalformedBlobsAreRejected)
{
    auto good = sample_blob();
    auto rejects = [](std::vector<uint8_t> blob) {
        return SymbolTable::create(blob.data(), blob.size()).is_error();
    };
    auto with_u32 = [&](size_t offset, uint32_t value) {
        auto blob = good;
        for (int i = 0; i < 4; ++i)
            blob[offset + i] = static_cast<uint8_t>(value >> (8 * i));
        return blob;
    };
    auto with_u64 = [&](size_t offset, uint64_t value) {
        auto blob = good;
        for (int i = 0; i < 8; ++i)
            blob[offset + i] = static_cast<uint8_t>(value >> (8 * i));
        return blob;
    };

    EXPECT_TRUE(SymbolTable::create(nullptr, 0).is_error());
    EXPECT_TRUE(rejects(std::vector<uint8_t>(good.begin(), good.begin() + 39))); // short header
    auto bad_magic = good;
    bad_magic[0] = 'X';
    EXPECT_TRUE(rejects(bad_magic));
    EXPECT_EQ(SymbolTable::create(with_u32(8, 2).data(), good.size()).error(), Error::NotSupported);
    EXPECT_TRUE(rejects(with_u32(12, 5))); // more entries than bytes
    EXPECT_TRUE(rejects(with_u32(12, 0xffffffff))); // count overflow
    EXPECT_TRUE(rejects(with_u32(32, 0xffffffff))); // strings past the end
    EXPECT_TRUE(rejects(std::vector<uint8_t>(good.begin(), good.end() - 1))); // truncated strings
    EXPECT_TRUE(rejects(with_u64(16, text_end + 1))); // text start after text end
    EXPECT_TRUE(rejects(with_u64(40, text_start - 1))); // first symbol below text start
    EXPECT_TRUE(rejects(with_u64(40 + 24, 0xffffffff80100000 + 0x10))); // duplicate address
    EXPECT_TRUE(rejects(with_u64(40 + 24, 0xffffffff80100008))); // out of order
    EXPECT_TRUE(rejects(with_u64(40 + 3 * 24, text_end))); // symbol at text end
    EXPECT_TRUE(rejects(with_u32(40 + 3 * 24 + 8, 0x200))); // size runs past text end
    EXPECT_TRUE(rejects(with_u32(40 + 12, 1000))); // name offset past the strings
    EXPECT_TRUE(rejects(with_u32(40 + 16, 1000))); // name length past the strings
    EXPECT_TRUE(rejects(with_u32(40 + 12, 0xfffffff0))); // offset + length wraps
}

TEST(SymbolTable, GeneratorOutputParses)
{
    // The real tools/gen-kernel-symbols on a saved nm listing: the two halves of the format
    // must agree. Also checks the generator's filtering: only text between the markers,
    // only function symbols, one name per address (the sized symbol wins).
    char directory_template[] = "/tmp/gehri-symbols-XXXXXX";
    ASSERT_NE(mkdtemp(directory_template), nullptr);
    std::string directory = directory_template;
    std::string listing = directory + "/nm.txt";
    std::string output = directory + "/blob.bin";
    std::ofstream(listing) << "0000000000100030 T _start\n"
                              "ffffffff80100000 T __text_start\n"
                              "ffffffff80100000 t higher_half_entry\n"
                              "ffffffff80100010 0000000000000020 T gehri::kernel_main(unsigned int, unsigned int)\n"
                              "ffffffff80100030 0000000000000010 W gehri::Thing::Thing()\n"
                              "ffffffff80100030 t alias_label\n"
                              "ffffffff80100040 0000000000000008 t gehri::(anonymous namespace)::helper()\n"
                              "ffffffff80100048 T __text_end\n"
                              "ffffffff80101000 0000000000000100 R gehri::some_table\n"
                              "ffffffff80102000 0000000000000008 B gehri::s_counter\n";
    std::string command = std::string(GEHRI_PYTHON) + " " + GEHRI_SYMBOL_TOOL + " generate --nm-listing " + listing + " " + output;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    std::ifstream input(output, std::ios::binary);
    std::vector<uint8_t> blob((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
    std::remove(listing.c_str());
    std::remove(output.c_str());
    rmdir(directory.c_str());

    SymbolTable table = parse(blob);
    ASSERT_EQ(table.symbol_count(), 4u);
    EXPECT_EQ(table.text_start(), 0xffffffff80100000u);
    EXPECT_EQ(table.text_end(), 0xffffffff80100048u);
    EXPECT_EQ(symbolized(table, 0xffffffff80100004), "higher_half_entry+0x4");
    EXPECT_EQ(symbolized(table, 0xffffffff80100015), "gehri::kernel_main(unsigned int, unsigned int)+0x5");
    EXPECT_EQ(symbolized(table, 0xffffffff80100030), "gehri::Thing::Thing()+0x0");
    EXPECT_EQ(symbolized(table, 0xffffffff80100047), "gehri::(anonymous namespace)::helper()+0x7");
    EXPECT_EQ(symbolized(table, 0xffffffff80100048), "??");
    EXPECT_EQ(symbolized(table, 0x100030), "??");
    EXPECT_EQ(symbolized(table, 0xffffffff80101000), "??");
}

#include <gtest/gtest.h>
#include <kernel/agent/SharedSegmentCache.h>
#include <kernel/agent/Spawn.h>

using namespace gehri;
using agent::SharedSegmentCache;

namespace {

int s_live_pages = 0;

struct FakePages final : ipc::RefCounted<FakePages> {
    explicit FakePages(size_t count)
        : page_count(count)
    {
        ++s_live_pages;
    }
    ~FakePages() { --s_live_pages; }
    size_t page_count;
};

using Cache = SharedSegmentCache<FakePages, 4>;

const char s_file_a[64] = "program a";
const char s_file_b[64] = "program b";

// make() that counts how often it ran.
struct Maker {
    int calls { 0 };
    size_t pages { 2 };
    bool fail { false };
    Result<ipc::RefPtr<FakePages>> operator()()
    {
        ++calls;
        if (fail)
            return Error::OutOfMemory;
        return ipc::adopt_ref_if_nonnull(new (std::nothrow) FakePages(pages));
    }
};

auto same_size(size_t pages)
{
    return [pages](const FakePages& cached) { return cached.page_count == pages; };
}

Cache::Key key(const char* file, uint64_t page_start) { return { file, sizeof(s_file_a), page_start }; }

} // namespace

TEST(SharedSegmentCache, SameFileAndSegmentShareOnePagesObject)
{
    s_live_pages = 0;
    Cache cache;
    Maker make;
    auto first = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    auto second = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    EXPECT_EQ(make.calls, 1);
    EXPECT_EQ(first.get(), second.get());
    EXPECT_EQ(first->ref_count(), 3u); // two mappings and the cache
    EXPECT_EQ(cache.size(), 1u);
    // Another segment of the same file, and the same segment of another file, are not it.
    auto rodata = cache.find_or_make(key(s_file_a, 0x402000), [&] { return make(); }, same_size(2)).release_value();
    auto other = cache.find_or_make(key(s_file_b, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    EXPECT_EQ(make.calls, 3);
    EXPECT_NE(rodata.get(), first.get());
    EXPECT_NE(other.get(), first.get());
    EXPECT_EQ(cache.size(), 3u);
    // The same address with another length is another file.
    auto longer = cache.find_or_make({ s_file_a, sizeof(s_file_a) + 1, 0x400000 }, [&] { return make(); }, same_size(2)).release_value();
    EXPECT_NE(longer.get(), first.get());
    EXPECT_EQ(s_live_pages, 4);
}

TEST(SharedSegmentCache, PagesLiveExactlyAsLongAsSomeoneMapsThem)
{
    s_live_pages = 0;
    Cache cache;
    Maker make;
    auto first = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    auto second = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    FakePages* pages = first.get();
    first.clear();
    cache.release_if_unused(pages); // the second mapping still holds them
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(s_live_pages, 1);
    second.clear();
    cache.release_if_unused(pages);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(s_live_pages, 0);
    // A pointer that is not cached (gone already, or never was) is ignored.
    cache.release_if_unused(pages);
    FakePages stranger(1);
    cache.release_if_unused(&stranger);
    EXPECT_EQ(cache.size(), 0u);
    // Made afresh the next time.
    auto again = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    EXPECT_EQ(make.calls, 2);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(SharedSegmentCache, AMismatchOrAFullCacheGivesPrivatePages)
{
    s_live_pages = 0;
    Cache cache;
    Maker make;
    auto cached = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).release_value();
    // The same key, but the caller's segment is three pages: not the cached two.
    make.pages = 3;
    auto mismatch = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(3)).release_value();
    EXPECT_NE(mismatch.get(), cached.get());
    EXPECT_EQ(mismatch->page_count, 3u);
    EXPECT_EQ(mismatch->ref_count(), 1u); // not kept: the key is taken
    EXPECT_EQ(cache.size(), 1u);
    // Fill the cache; the next one works but is not kept.
    std::vector<ipc::RefPtr<FakePages>> held;
    for (uint64_t page = 1; page <= 3; ++page)
        held.push_back(cache.find_or_make(key(s_file_b, page * 0x1000), [&] { return make(); }, same_size(3)).release_value());
    EXPECT_EQ(cache.size(), 4u);
    auto overflow = cache.find_or_make(key(s_file_b, 0x9000), [&] { return make(); }, same_size(3)).release_value();
    EXPECT_EQ(overflow->ref_count(), 1u);
    EXPECT_EQ(cache.size(), 4u);
}

TEST(SharedSegmentCache, MakeFailuresAreReturnedAndCacheNothing)
{
    s_live_pages = 0;
    Cache cache;
    Maker make;
    make.fail = true;
    auto failed = cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2));
    ASSERT_TRUE(failed.is_error());
    EXPECT_EQ(failed.error(), Error::OutOfMemory);
    EXPECT_EQ(cache.size(), 0u);
    make.fail = false;
    EXPECT_TRUE(cache.find_or_make(key(s_file_a, 0x400000), [&] { return make(); }, same_size(2)).is_ok());
    EXPECT_EQ(cache.size(), 1u);
}

TEST(FirstStackTop, RightAboveTheProgramWhenItFitsInItsLastPageTable)
{
    constexpr uint64_t page = 4096;
    constexpr uint64_t two_mib = 2 * 1024 * 1024;
    constexpr uint64_t stack = agent::default_user_stack_size;
    // A small agent at 0x400000 ending at 0x404000: guard page, then the stack, then a free page.
    EXPECT_EQ(agent::first_stack_top(0x404000, stack), 0x404000 + page + stack);
    // Exactly fitting: the free page above the stack is the last of the 2 MiB.
    uint64_t end = 0x600000 - page - stack - page;
    EXPECT_EQ(agent::first_stack_top(end, stack), 0x600000 - page);
    // One page more and it no longer fits: the old place, far up.
    EXPECT_EQ(agent::first_stack_top(end + page, stack), agent::user_stack_top);
    // A program that ends on a 2 MiB boundary has no room left in its last table.
    EXPECT_EQ(agent::first_stack_top(0x600000, stack), agent::user_stack_top);
    // Stacks bigger than a table, programs above 4 GiB, no program at all.
    EXPECT_EQ(agent::first_stack_top(0x404000, two_mib), agent::user_stack_top);
    EXPECT_EQ(agent::first_stack_top(0x100000000 + 0x4000, stack), agent::user_stack_top);
    EXPECT_EQ(agent::first_stack_top(0, stack), agent::user_stack_top);
    // The stack, its guard page and the page above all stay within the program's last 2 MiB.
    for (uint64_t image_end = 0x401000; image_end < 0x800000; image_end += 0x3000) {
        uint64_t top = agent::first_stack_top(image_end, stack);
        if (top == agent::user_stack_top)
            continue;
        EXPECT_EQ(top - stack - page, image_end);
        EXPECT_EQ((image_end - 1) / two_mib, (top + page - 1) / two_mib);
    }
}

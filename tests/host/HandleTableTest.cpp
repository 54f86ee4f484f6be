#include <gtest/gtest.h>
#include <kernel/object/HandleTable.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::object;

namespace {

// Two object types, so the typed lookup has something to refuse.
int s_live_objects = 0;

class FakeAgent final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Agent;
    static RefPtr<FakeAgent> make(int tag) { return adopt_ref_if_nonnull(new (std::nothrow) FakeAgent(tag)).release_value(); }
    int tag() const { return m_tag; }

private:
    explicit FakeAgent(int tag)
        : KernelObject(object_type)
        , m_tag(tag)
    {
        ++s_live_objects;
    }
    ~FakeAgent() override { --s_live_objects; }
    int m_tag;
};

class FakeThread final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Thread;
    static RefPtr<FakeThread> make() { return adopt_ref_if_nonnull(new (std::nothrow) FakeThread).release_value(); }

private:
    FakeThread()
        : KernelObject(object_type)
    {
        ++s_live_objects;
    }
    ~FakeThread() override { --s_live_objects; }
};

OwnPtr<HandleTable> make_table(size_t capacity, uint64_t seed = 42)
{
    auto table = HandleTable::create(capacity, seed);
    EXPECT_TRUE(table.is_ok());
    return table.release_value();
}

constexpr Rights everything = Rights::All;

} // namespace

TEST(RefPtr, CountsReferencesAcrossCopiesMovesAndCasts)
{
    s_live_objects = 0;
    {
        RefPtr<FakeAgent> agent = FakeAgent::make(1);
        EXPECT_EQ(agent->reference_count(), 1u);
        RefPtr<FakeAgent> copy = agent;
        EXPECT_EQ(agent->reference_count(), 2u);
        RefPtr<KernelObject> base = copy; // converting copy
        EXPECT_EQ(agent->reference_count(), 3u);
        RefPtr<FakeAgent> moved = std::move(copy);
        EXPECT_FALSE(copy);
        EXPECT_EQ(agent->reference_count(), 3u);
        EXPECT_EQ(object_cast<FakeAgent>(base).get(), agent.get());
        EXPECT_FALSE(object_cast<FakeThread>(base));
        EXPECT_EQ(agent->reference_count(), 3u); // the failed cast took no reference
        base = nullptr;
        moved.clear();
        EXPECT_EQ(agent->reference_count(), 1u);
        agent = agent; // self-assignment keeps the object
        EXPECT_EQ(s_live_objects, 1);
    }
    EXPECT_EQ(s_live_objects, 0);
}

TEST(HandleTable, RefusesBadCapacities)
{
    EXPECT_EQ(HandleTable::create(0, 1).error(), Error::InvalidArgument);
    EXPECT_EQ(HandleTable::create(HandleTable::max_capacity + 1, 1).error(), Error::InvalidArgument);
    EXPECT_TRUE(HandleTable::create(HandleTable::max_capacity, 1).is_ok());
}

TEST(HandleTable, AddsAndLooksUpWithTypeAndRights)
{
    s_live_objects = 0;
    auto table = make_table(16);
    auto agent = FakeAgent::make(7);
    HandleValue handle = table->add(agent, Rights::Read | Rights::Wait).release_value();
    EXPECT_NE(handle, invalid_handle);
    EXPECT_EQ(agent->reference_count(), 2u);

    auto found = table->get_object_with_rights<FakeAgent>(handle, Rights::Read);
    ASSERT_TRUE(found.is_ok());
    EXPECT_EQ(found.value()->tag(), 7);
    EXPECT_EQ(agent->reference_count(), 3u);
    EXPECT_TRUE(table->get_object_with_rights<FakeAgent>(handle, Rights::Read | Rights::Wait).is_ok());
    EXPECT_TRUE(table->get_object_with_rights<FakeAgent>(handle, Rights::None).is_ok());

    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(handle, Rights::Write).error(), Error::AccessDenied);
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(handle, Rights::Read | Rights::Kill).error(), Error::AccessDenied);
    EXPECT_EQ(table->get_object_with_rights<FakeThread>(handle, Rights::Read).error(), Error::WrongObjectType);
    // The type is checked before the rights: asking a thread lookup for rights it lacks too
    // still says "wrong type".
    EXPECT_EQ(table->get_object_with_rights<FakeThread>(handle, Rights::Kill).error(), Error::WrongObjectType);
    EXPECT_EQ(table->rights_of(handle).value(), Rights::Read | Rights::Wait);
    EXPECT_EQ(table->count(), 1u);
    EXPECT_EQ(table->add(nullptr, Rights::All).error(), Error::InvalidArgument);
}

TEST(HandleTable, RejectsValuesThatNameNoLiveEntry)
{
    auto table = make_table(8);
    HandleValue handle = table->add(FakeAgent::make(1), everything).release_value();
    uint32_t index = HandleTable::index_of(handle);
    uint32_t generation = HandleTable::generation_of(handle);
    const HandleValue bad[] = {
        invalid_handle,
        HandleTable::make_handle(index, generation == 1 ? 2 : generation - 1), // wrong generation
        HandleTable::make_handle(index + 1, generation), // a free entry
        HandleTable::make_handle(8, generation), // beyond the capacity
        HandleTable::make_handle(4095, HandleTable::max_generation),
        0xffffffffu,
    };
    for (HandleValue value : bad) {
        EXPECT_EQ(table->get_object_with_rights<FakeAgent>(value, Rights::None).error(), Error::BadHandle) << value;
        EXPECT_EQ(table->close(value).error(), Error::BadHandle) << value;
        EXPECT_EQ(table->duplicate(value, Rights::None).error(), Error::BadHandle) << value;
        EXPECT_EQ(table->rights_of(value).error(), Error::BadHandle) << value;
    }
    EXPECT_EQ(table->count(), 1u);
}

TEST(HandleTable, ExhaustionIsAnErrorAndClosingMakesRoom)
{
    s_live_objects = 0;
    auto table = make_table(8);
    std::vector<HandleValue> handles;
    for (int i = 0; i < 8; ++i)
        handles.push_back(table->add(FakeAgent::make(i), everything).release_value());
    auto object = FakeAgent::make(99);
    EXPECT_EQ(table->add(object, everything).error(), Error::OutOfHandles);
    EXPECT_EQ(table->duplicate(handles[0], Rights::Read).error(), Error::OutOfHandles);
    EXPECT_EQ(object->reference_count(), 1u); // a failed add keeps no reference
    EXPECT_EQ(table->count(), 8u);
    EXPECT_EQ(std::set<HandleValue>(handles.begin(), handles.end()).size(), 8u);

    EXPECT_TRUE(table->close(handles[3]).is_ok());
    HandleValue again = table->add(object, everything).release_value();
    EXPECT_EQ(HandleTable::index_of(again), HandleTable::index_of(handles[3]));
    EXPECT_NE(again, handles[3]);
    EXPECT_EQ(table->add(FakeAgent::make(100), everything).error(), Error::OutOfHandles);
    table.reset();
    object = nullptr;
    EXPECT_EQ(s_live_objects, 0);
}

TEST(HandleTable, GrowsOnDemandUpToItsCapacity)
{
    s_live_objects = 0;
    constexpr size_t capacity = 100; // not a power of two: the last growth stops at it
    auto table = make_table(capacity);
    EXPECT_EQ(table->allocated_entries(), HandleTable::initial_entries);
    EXPECT_EQ(make_table(3)->allocated_entries(), 3u);
    std::vector<HandleValue> handles;
    for (size_t i = 0; i < HandleTable::initial_entries; ++i)
        handles.push_back(table->add(FakeAgent::make(static_cast<int>(i)), everything).release_value());
    EXPECT_EQ(table->allocated_entries(), HandleTable::initial_entries);
    handles.push_back(table->add(FakeAgent::make(static_cast<int>(handles.size())), everything).release_value());
    EXPECT_EQ(table->allocated_entries(), 2 * HandleTable::initial_entries);
    while (handles.size() < capacity)
        handles.push_back(table->add(FakeAgent::make(static_cast<int>(handles.size())), everything).release_value());
    EXPECT_EQ(table->allocated_entries(), capacity);
    EXPECT_EQ(table->add(FakeAgent::make(-1), everything).error(), Error::OutOfHandles);
    EXPECT_EQ(table->count(), capacity);
    EXPECT_EQ(std::set<HandleValue>(handles.begin(), handles.end()).size(), capacity);
    // Every handle made before a growth still names its object, with its rights.
    for (size_t i = 0; i < handles.size(); ++i) {
        auto object = table->get_object_with_rights<FakeAgent>(handles[i], Rights::Read);
        ASSERT_TRUE(object.is_ok()) << i;
        EXPECT_EQ(object.value()->tag(), static_cast<int>(i));
    }
    // A value past the allocated entries names nothing, even with a plausible generation.
    auto small = make_table(capacity);
    EXPECT_EQ(small->get_object_with_rights<FakeAgent>(HandleTable::make_handle(50, HandleTable::generation_of(handles[50])), Rights::None).error(),
        Error::BadHandle);
    EXPECT_TRUE(table->close(handles[70]).is_ok());
    EXPECT_EQ(HandleTable::index_of(table->add(FakeAgent::make(7), everything).release_value()), 70u);
    table.reset();
    small.reset();
    EXPECT_EQ(s_live_objects, 0);
}

TEST(HandleTable, StaleHandlesStayInvalidAfterCloseAndReuse)
{
    s_live_objects = 0;
    auto table = make_table(4);
    auto first = FakeAgent::make(1);
    HandleValue handle = table->add(first, everything).release_value();
    EXPECT_TRUE(table->close(handle).is_ok());
    EXPECT_EQ(first->reference_count(), 1u);
    EXPECT_EQ(table->close(handle).error(), Error::BadHandle); // double close
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(handle, Rights::None).error(), Error::BadHandle);

    // Freed entries are reused first-in first-out: the just-closed entry comes back last.
    std::vector<HandleValue> handles;
    for (int i = 0; i < 4; ++i)
        handles.push_back(table->add(FakeAgent::make(10 + i), everything).release_value());
    EXPECT_EQ(HandleTable::index_of(handles.back()), HandleTable::index_of(handle));
    EXPECT_NE(handles.back(), handle);
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(handle, Rights::None).error(), Error::BadHandle);
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(handles.back(), Rights::None).value()->tag(), 13);
}

TEST(HandleTable, GenerationWrapsSkippingZero)
{
    // One entry, closed and reopened until its generation wraps around: values are never 0,
    // the generation after the maximum is 1, and a stale value names the entry again only
    // after max_generation reuses.
    auto table = make_table(1, 7);
    auto object = FakeAgent::make(1);
    HandleValue first = table->add(object, everything).release_value();
    uint32_t start = HandleTable::generation_of(first);
    ASSERT_GE(start, 1u);
    ASSERT_LE(start, HandleTable::max_generation);
    HandleValue current = first;
    bool wrapped = false;
    for (uint32_t reuse = 1; reuse < HandleTable::max_generation; ++reuse) {
        uint32_t before = HandleTable::generation_of(current);
        ASSERT_TRUE(table->close(current).is_ok());
        current = table->add(object, everything).release_value();
        ASSERT_NE(current, invalid_handle);
        ASSERT_NE(current, first) << "reuse " << reuse;
        uint32_t after = HandleTable::generation_of(current);
        if (before == HandleTable::max_generation) {
            ASSERT_EQ(after, 1u);
            wrapped = true;
        } else {
            ASSERT_EQ(after, before + 1);
        }
    }
    EXPECT_TRUE(wrapped);
    ASSERT_TRUE(table->close(current).is_ok());
    EXPECT_EQ(table->add(object, everything).value(), first);
}

TEST(HandleTable, DuplicateOnlyEverReducesRights)
{
    s_live_objects = 0;
    auto table = make_table(16);
    auto agent = FakeAgent::make(5);
    HandleValue full = table->add(agent, Rights::Read | Rights::Wait | Rights::Duplicate).release_value();

    HandleValue same = table->duplicate(full, Rights::Read | Rights::Wait | Rights::Duplicate).release_value();
    EXPECT_NE(same, full);
    HandleValue reduced = table->duplicate(full, Rights::Read | Rights::Duplicate).release_value();
    EXPECT_EQ(table->rights_of(reduced).value(), Rights::Read | Rights::Duplicate);
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(reduced, Rights::Wait).error(), Error::AccessDenied);
    // Rights dropped once cannot come back through another duplicate.
    EXPECT_EQ(table->duplicate(reduced, Rights::Read | Rights::Wait).error(), Error::AccessDenied);
    EXPECT_EQ(table->duplicate(full, Rights::Kill).error(), Error::AccessDenied);
    HandleValue read_only = table->duplicate(reduced, Rights::Read).release_value();
    // Without the Duplicate right nothing can be duplicated, not even with fewer rights.
    EXPECT_EQ(table->duplicate(read_only, Rights::Read).error(), Error::AccessDenied);
    EXPECT_EQ(table->duplicate(read_only, Rights::None).error(), Error::AccessDenied);
    EXPECT_EQ(agent->reference_count(), 5u);

    // Each handle is independent: closing the original leaves the copies working.
    EXPECT_TRUE(table->close(full).is_ok());
    EXPECT_TRUE(table->get_object_with_rights<FakeAgent>(read_only, Rights::Read).is_ok());
    table->close_all();
    EXPECT_EQ(table->count(), 0u);
    EXPECT_EQ(agent->reference_count(), 1u);
    EXPECT_EQ(table->get_object_with_rights<FakeAgent>(read_only, Rights::Read).error(), Error::BadHandle);
}

TEST(HandleTable, DestroyingTheTableReleasesItsObjects)
{
    s_live_objects = 0;
    {
        auto table = make_table(32);
        for (int i = 0; i < 10; ++i)
            EXPECT_TRUE(table->add(i % 2 ? RefPtr<KernelObject>(FakeAgent::make(i)) : RefPtr<KernelObject>(FakeThread::make()), everything).is_ok());
        EXPECT_EQ(s_live_objects, 10);
    }
    EXPECT_EQ(s_live_objects, 0);
}

TEST(HandleTable, SeedsGiveDifferentValues)
{
    // The same sequence of operations in two tables with different seeds yields different
    // handle values (a handle from one agent means nothing in another).
    auto a = make_table(64, 1);
    auto b = make_table(64, 2);
    int equal = 0;
    for (int i = 0; i < 64; ++i) {
        HandleValue x = a->add(FakeAgent::make(i), everything).release_value();
        HandleValue y = b->add(FakeAgent::make(i), everything).release_value();
        EXPECT_EQ(HandleTable::index_of(x), HandleTable::index_of(y));
        equal += x == y;
    }
    EXPECT_LE(equal, 1);
}

TEST(HandleTable, ConcurrentAddCloseAndLookupKeepCountsExact)
{
    s_live_objects = 0;
    auto table = make_table(256);
    auto shared = FakeAgent::make(1);
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    std::atomic<int> lookups_ok { 0 };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                HandleValue handle = table->add(shared, Rights::Read | Rights::Duplicate).release_value();
                auto copy = table->duplicate(handle, Rights::Read);
                if (table->get_object_with_rights<FakeAgent>(handle, Rights::Read).is_ok())
                    ++lookups_ok;
                ASSERT_TRUE(table->close(handle).is_ok());
                ASSERT_TRUE(table->close(copy.value()).is_ok());
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(lookups_ok.load(), threads * rounds);
    EXPECT_EQ(table->count(), 0u);
    EXPECT_EQ(shared->reference_count(), 1u);
}

TEST(Rights, SubsetArithmetic)
{
    EXPECT_TRUE(has_rights(Rights::All, Rights::Kill | Rights::Read));
    EXPECT_TRUE(has_rights(Rights::Read, Rights::None));
    EXPECT_FALSE(has_rights(Rights::Read, Rights::Read | Rights::Write));
    EXPECT_TRUE(are_valid_rights(uint64_t(Rights::All)));
    EXPECT_FALSE(are_valid_rights(uint64_t(Rights::All) + 1));
    EXPECT_FALSE(are_valid_rights(1ull << 40));
    EXPECT_EQ(~Rights::Read & Rights::Read, Rights::None);
}

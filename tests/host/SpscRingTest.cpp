#include <gtest/gtest.h>
#include <kernel/ipc/SpscRing.h>
#include <thread>
#include <vector>

using namespace gehri;
using namespace gehri::ipc;

namespace {

// 8-byte aligned backing store, as a mapping would be.
struct Memory {
    explicit Memory(size_t size)
        : words((size + 7) / 8)
        , size(size)
    {
    }
    Span<uint8_t> span() { return { reinterpret_cast<uint8_t*>(words.data()), size }; }
    SpscRing::Header& header() { return *reinterpret_cast<SpscRing::Header*>(words.data()); }
    uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()) + SpscRing::header_size; }
    std::vector<uint64_t> words;
    size_t size;
};

ReadonlyBytes bytes_of(const std::vector<uint8_t>& bytes) { return { bytes.data(), bytes.size() }; }

} // namespace

TEST(SpscRing, FormatPicksAPowerOfTwoAndAttachValidates)
{
    Memory memory(SpscRing::header_size + 1000);
    auto ring = SpscRing::format(memory.span()).release_value();
    EXPECT_EQ(ring.capacity(), 512u);
    EXPECT_EQ(ring.max_record(), 256u - SpscRing::record_header);
    EXPECT_TRUE(SpscRing::attach(memory.span()).is_ok());

    Memory too_small(SpscRing::header_size + SpscRing::min_capacity - 1);
    EXPECT_EQ(SpscRing::format(too_small.span()).error(), Error::InvalidArgument);
    EXPECT_EQ(SpscRing::format({}).error(), Error::InvalidArgument);
    EXPECT_EQ(SpscRing::format(memory.span().slice(1)).error(), Error::InvalidArgument); // misaligned

    memory.header().magic = 0;
    EXPECT_EQ(SpscRing::attach(memory.span()).error(), Error::BadFormat);
    memory.header().magic = SpscRing::magic;
    memory.header().capacity = 500; // not a power of two
    EXPECT_EQ(SpscRing::attach(memory.span()).error(), Error::BadFormat);
    memory.header().capacity = 1024; // larger than the memory
    EXPECT_EQ(SpscRing::attach(memory.span()).error(), Error::BadFormat);
    memory.header().capacity = 512;
    memory.header().version = 1; // the layout before the waiting flags
    EXPECT_EQ(SpscRing::attach(memory.span()).error(), Error::BadFormat);
}

TEST(SpscRing, WaitingFlagsAreSharedAndStartDown)
{
    Memory memory(SpscRing::header_size + 256);
    memory.header().consumer_waiting = 7; // garbage from before: format clears it
    auto producer = SpscRing::format(memory.span()).release_value();
    auto consumer = SpscRing::attach(memory.span()).release_value();
    EXPECT_FALSE(producer.consumer_waiting());
    EXPECT_FALSE(consumer.producer_waiting());
    consumer.set_consumer_waiting(true);
    EXPECT_TRUE(producer.consumer_waiting());
    EXPECT_FALSE(producer.producer_waiting());
    producer.set_producer_waiting(true);
    EXPECT_TRUE(consumer.producer_waiting());
    consumer.set_consumer_waiting(false);
    EXPECT_FALSE(producer.consumer_waiting());
    // The flags live in the header, not in the data area: records do not disturb them.
    uint8_t record[40] = {};
    EXPECT_TRUE(producer.try_push({ record, sizeof(record) }).is_ok());
    EXPECT_TRUE(consumer.producer_waiting());
    EXPECT_FALSE(consumer.consumer_waiting());
    // A hostile peer's flag is just a hint: any non-zero value reads as raised.
    memory.header().producer_waiting = 0xdeadbeef;
    EXPECT_TRUE(consumer.producer_waiting());
}

TEST(SpscRing, RecordsComeOutInOrderAcrossWraps)
{
    Memory memory(SpscRing::header_size + 256);
    auto producer = SpscRing::format(memory.span()).release_value();
    auto consumer = SpscRing::attach(memory.span()).release_value();
    uint8_t out[256];
    for (int i = 0; i < 500; ++i) {
        std::vector<uint8_t> record(i % 53, static_cast<uint8_t>(i));
        ASSERT_TRUE(producer.try_push(bytes_of(record)).is_ok()) << i;
        EXPECT_EQ(consumer.peek_size().value(), record.size());
        auto size = consumer.try_pop({ out, sizeof(out) });
        ASSERT_TRUE(size.is_ok()) << i;
        ASSERT_EQ(size.value(), record.size());
        if (!record.empty()) {
            EXPECT_EQ(memcmp(out, record.data(), record.size()), 0);
        }
    }
    EXPECT_EQ(consumer.try_pop({ out, sizeof(out) }).error(), Error::WouldBlock);
}

TEST(SpscRing, FullEmptyTooLargeAndSmallBuffer)
{
    Memory memory(SpscRing::header_size + 128);
    auto ring = SpscRing::format(memory.span()).release_value();
    std::vector<uint8_t> too_big(ring.max_record() + 1);
    EXPECT_EQ(ring.try_push(bytes_of(too_big)).error(), Error::TooLarge);
    std::vector<uint8_t> record(24, 1); // 32 bytes with its header
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(ring.try_push(bytes_of(record)).is_ok());
    EXPECT_EQ(ring.try_push(bytes_of(record)).error(), Error::WouldBlock);
    uint8_t small[8];
    EXPECT_EQ(ring.try_pop({ small, sizeof(small) }).error(), Error::BufferTooSmall);
    uint8_t out[64];
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).value(), 24u); // the record was kept
    EXPECT_TRUE(ring.try_push(bytes_of(record)).is_ok());
    EXPECT_TRUE(ring.try_push(ReadonlyBytes {}).is_error()); // 8 bytes, but the ring is full again
    SpscRing unformatted;
    EXPECT_EQ(unformatted.try_push(bytes_of(record)).error(), Error::InvalidArgument);
    EXPECT_EQ(unformatted.try_pop({ out, sizeof(out) }).error(), Error::InvalidArgument);
}

TEST(SpscRing, WrapMarkerSkipsTheTail)
{
    Memory memory(SpscRing::header_size + 128);
    auto ring = SpscRing::format(memory.span()).release_value();
    uint8_t out[64];
    std::vector<uint8_t> forty(40, 4); // 48 bytes each
    ASSERT_TRUE(ring.try_push(bytes_of(forty)).is_ok());
    ASSERT_TRUE(ring.try_push(bytes_of(forty)).is_ok());
    ASSERT_TRUE(ring.try_pop({ out, sizeof(out) }).is_ok());
    // 32 bytes left at the end: a 48-byte record wraps, costing 32 + 48 of the 80 free.
    ASSERT_TRUE(ring.try_push(bytes_of(forty)).is_ok());
    EXPECT_EQ(memory.header().tail, 96u + 32u + 48u);
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).value(), 40u);
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).value(), 40u);
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::WouldBlock);
}

TEST(SpscRing, HostilePeerCannotMakeUsLeaveTheSpan)
{
    Memory memory(SpscRing::header_size + 128);
    auto ring = SpscRing::format(memory.span()).release_value();
    uint8_t out[256];
    std::vector<uint8_t> record(8, 1);
    ASSERT_TRUE(ring.try_push(bytes_of(record)).is_ok());
    // A length beyond the capacity.
    *reinterpret_cast<uint32_t*>(memory.data()) = 1000;
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::BadFormat);
    // A length that claims more than was published.
    *reinterpret_cast<uint32_t*>(memory.data()) = 40;
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::BadFormat);
    // A tail too far ahead of the head.
    memory.header().tail = 4096;
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::BadFormat);
    EXPECT_EQ(ring.try_push(bytes_of(record)).error(), Error::BadFormat);
    // A head beyond the tail (the consumer lying to the producer).
    memory.header().tail = 16;
    memory.header().head = 24;
    EXPECT_EQ(ring.try_push(bytes_of(record)).error(), Error::BadFormat);
    // Misaligned indices.
    memory.header().head = 3;
    EXPECT_EQ(ring.try_push(bytes_of(record)).error(), Error::BadFormat);
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::BadFormat);
    // A wrap marker with nothing after it.
    memory.header().head = 64;
    memory.header().tail = 128;
    *reinterpret_cast<uint32_t*>(memory.data() + 64) = UINT32_MAX;
    EXPECT_EQ(ring.try_pop({ out, sizeof(out) }).error(), Error::BadFormat);
}

TEST(SpscRing, ConcurrentProducerAndConsumer)
{
    Memory memory(SpscRing::header_size + 4096);
    auto producer = SpscRing::format(memory.span()).release_value();
    auto consumer = SpscRing::attach(memory.span()).release_value();
    constexpr uint32_t count = 200000;
    std::thread producing([&] {
        uint8_t record[64];
        for (uint32_t i = 0; i < count; ++i) {
            size_t size = sizeof(uint32_t) + i % 60;
            memcpy(record, &i, sizeof(i));
            for (size_t j = sizeof(i); j < size; ++j)
                record[j] = static_cast<uint8_t>(i + j);
            for (;;) {
                auto pushed = producer.try_push({ record, size });
                if (pushed.is_ok() || pushed.error() != Error::WouldBlock)
                    break;
                std::this_thread::yield();
            }
        }
    });
    uint8_t out[64];
    uint32_t errors = 0;
    for (uint32_t expected = 0; expected < count;) {
        auto size = consumer.try_pop({ out, sizeof(out) });
        if (size.is_error()) {
            if (size.error() != Error::WouldBlock) {
                ++errors;
                break;
            }
            std::this_thread::yield();
            continue;
        }
        uint32_t value;
        memcpy(&value, out, sizeof(value));
        bool good = value == expected && size.value() == sizeof(uint32_t) + expected % 60;
        for (size_t j = sizeof(value); good && j < size.value(); ++j)
            good = out[j] == static_cast<uint8_t>(expected + j);
        if (!good)
            ++errors;
        ++expected;
    }
    producing.join();
    EXPECT_EQ(errors, 0u);
    EXPECT_EQ(consumer.try_pop({ out, sizeof(out) }).error(), Error::WouldBlock);
}

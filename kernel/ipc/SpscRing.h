#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace gehri::ipc {

// A single-producer/single-consumer ring of variable-size records over any span of memory:
// typically a shared memory object mapped into two agents, so that sending needs no system call
// (the kernel is involved only to sleep when the ring is empty or full).
//
// Layout (all little-endian, ABI, version 2): a 192-byte header — magic, version, capacity,
// then the consumer's `head` and `consumer_waiting`, and the producer's `tail` and
// `producer_waiting`, each side's on a cache line of its own so the two do not false-share —
// followed by `capacity` bytes of data (a power of two). head and tail are
// free-running byte counts; the producer publishes a record with a release store of tail, the
// consumer frees it with a release store of head, each reads the other's with acquire.
// A record is a 4-byte length, 4 reserved bytes, the bytes, padding to 8. A record that would
// cross the end is preceded by a wrap marker, and starts again at offset 0.
//
// The other side may be hostile (it shares the memory), so nothing read from the ring is
// trusted: every length and index is checked against the capacity, a lie becomes BadFormat,
// and no access ever leaves the span.
class SpscRing {
public:
    static constexpr uint32_t magic = 0x53505343; // "SPSC"
    static constexpr uint32_t layout_version = 2;
    static constexpr size_t header_size = 192;
    static constexpr size_t record_header = 8;
    static constexpr size_t min_capacity = 64;

    struct Header {
        uint32_t magic;
        uint32_t version;
        uint64_t capacity;
        alignas(64) uint64_t head;
        uint32_t consumer_waiting; // the consumer is (about to be) asleep: wake it after a push
        alignas(64) uint64_t tail;
        uint32_t producer_waiting; // the producer is (about to be) asleep: wake it after a pop
    };
    static_assert(sizeof(Header) <= header_size);

    SpscRing() = default;

    // Lays out an empty ring in `memory` (8-byte aligned, at least header + min_capacity bytes);
    // the capacity is the largest power of two that fits. InvalidArgument otherwise.
    static Result<SpscRing> format(Span<uint8_t> memory)
    {
        if (!usable(memory) || memory.size() < header_size + min_capacity)
            return Error::InvalidArgument;
        uint64_t capacity = uint64_t(1) << (63 - __builtin_clzll(memory.size() - header_size));
        auto* header = reinterpret_cast<Header*>(memory.data());
        header->magic = magic;
        header->version = layout_version;
        header->capacity = capacity;
        __atomic_store_n(&header->head, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&header->consumer_waiting, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&header->producer_waiting, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&header->tail, 0, __ATOMIC_RELEASE);
        return SpscRing(header, memory.data() + header_size, capacity);
    }

    // Uses a ring someone formatted. BadFormat for a wrong magic, version or capacity.
    static Result<SpscRing> attach(Span<uint8_t> memory)
    {
        if (!usable(memory) || memory.size() < header_size)
            return Error::InvalidArgument;
        auto* header = reinterpret_cast<Header*>(memory.data());
        uint64_t capacity = __atomic_load_n(&header->capacity, __ATOMIC_ACQUIRE);
        if (header->magic != magic || header->version != layout_version || capacity < min_capacity
            || (capacity & (capacity - 1)) != 0 || capacity > memory.size() - header_size)
            return Error::BadFormat;
        return SpscRing(header, memory.data() + header_size, capacity);
    }

    uint64_t capacity() const { return m_capacity; }
    // The largest record payload the ring accepts: half the capacity, so that a record always
    // fits eventually, even after a wrap marker.
    size_t max_record() const { return m_capacity / 2 - record_header; }

    // Producer side. TooLarge past max_record(); WouldBlock when there is no room yet;
    // BadFormat if the consumer's index is impossible.
    Result<void> try_push(ReadonlyBytes record)
    {
        if (!m_header)
            return Error::InvalidArgument;
        if (record.size() > max_record())
            return Error::TooLarge;
        uint64_t tail = __atomic_load_n(&m_header->tail, __ATOMIC_RELAXED);
        uint64_t head = __atomic_load_n(&m_header->head, __ATOMIC_ACQUIRE);
        uint64_t used = tail - head;
        if (used > m_capacity || ((head | tail) & 7) != 0)
            return Error::BadFormat;
        uint64_t size = record_size(record.size());
        uint64_t offset = tail & (m_capacity - 1);
        uint64_t to_end = m_capacity - offset;
        uint64_t needed = size <= to_end ? size : to_end + size;
        if (needed > m_capacity - used)
            return Error::WouldBlock;
        if (size > to_end) {
            store_length(offset, wrap_marker);
            tail += to_end;
            offset = 0;
        }
        store_length(offset, static_cast<uint32_t>(record.size()));
        if (!record.is_empty())
            memcpy(m_data + offset + record_header, record.data(), record.size());
        __atomic_store_n(&m_header->tail, tail + size, __ATOMIC_RELEASE);
        return {};
    }

    // Consumer side: the size of the next record without taking it. WouldBlock when empty.
    Result<size_t> peek_size() const
    {
        auto next = TRY(locate_next());
        return static_cast<size_t>(next.length);
    }

    // Consumer side: copies the next record into `out` and frees it; returns its size.
    // WouldBlock when empty; BufferTooSmall (record kept) when `out` is too small; BadFormat if
    // the producer wrote something impossible.
    Result<size_t> try_pop(Span<uint8_t> out)
    {
        auto next = TRY(locate_next());
        if (next.length > out.size())
            return Error::BufferTooSmall;
        if (next.length != 0)
            memcpy(out.data(), m_data + next.offset + record_header, next.length);
        __atomic_store_n(&m_header->head, next.head + record_size(next.length), __ATOMIC_RELEASE);
        return static_cast<size_t>(next.length);
    }

    // The slow path's handshake (libgehri's RingProducer/RingConsumer sleep on an event): a side
    // that found the ring empty (full) raises its flag, then tries once more before it sleeps;
    // the other side, after each push (pop), looks at the flag and wakes it if raised. A full
    // fence sits between each side's store and its load of the other's, so at least one of them
    // sees the other: no wake-up is lost, and none is sent while nobody sleeps.
    void set_consumer_waiting(bool waiting) { set_flag(m_header->consumer_waiting, waiting); }
    void set_producer_waiting(bool waiting) { set_flag(m_header->producer_waiting, waiting); }
    // After a push: does the consumer sleep (or is about to)? A hostile peer's flag only costs it
    // wake-ups, or wastes the caller a system call.
    bool consumer_waiting() const { return flag(m_header->consumer_waiting); }
    bool producer_waiting() const { return flag(m_header->producer_waiting); }

private:
    static constexpr uint32_t wrap_marker = UINT32_MAX;

    static void set_flag(uint32_t& flag, bool waiting)
    {
        __atomic_store_n(&flag, waiting ? 1u : 0u, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    static bool flag(const uint32_t& flag)
    {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return __atomic_load_n(&flag, __ATOMIC_RELAXED) != 0;
    }

    struct Next {
        uint64_t head;   // the record's position (past any wrap marker)
        uint64_t offset; // its offset in the data area
        uint32_t length;
    };

    SpscRing(Header* header, uint8_t* data, uint64_t capacity)
        : m_header(header)
        , m_data(data)
        , m_capacity(capacity)
    {
    }

    static bool usable(Span<uint8_t> memory) { return memory.data() && (reinterpret_cast<uintptr_t>(memory.data()) & 7) == 0; }
    static uint64_t record_size(uint64_t length) { return record_header + ((length + 7) & ~uint64_t(7)); }

    void store_length(uint64_t offset, uint32_t length) { __atomic_store_n(reinterpret_cast<uint32_t*>(m_data + offset), length, __ATOMIC_RELAXED); }
    // Read once: the producer could change it under us, and we must check what we use.
    uint32_t load_length(uint64_t offset) const { return __atomic_load_n(reinterpret_cast<const uint32_t*>(m_data + offset), __ATOMIC_RELAXED); }

    Result<Next> locate_next() const
    {
        if (!m_header)
            return Error::InvalidArgument;
        uint64_t head = __atomic_load_n(&m_header->head, __ATOMIC_RELAXED);
        uint64_t tail = __atomic_load_n(&m_header->tail, __ATOMIC_ACQUIRE);
        if (tail == head)
            return Error::WouldBlock;
        uint64_t available = tail - head;
        if (available > m_capacity || (head & 7) != 0)
            return Error::BadFormat;
        uint64_t offset = head & (m_capacity - 1);
        uint32_t length = load_length(offset);
        if (length == wrap_marker) {
            uint64_t to_end = m_capacity - offset;
            if (available <= to_end)
                return Error::BadFormat;
            head += to_end;
            available -= to_end;
            offset = 0;
            length = load_length(0);
        }
        if (length > max_record() || record_size(length) > available || offset + record_size(length) > m_capacity)
            return Error::BadFormat;
        return Next { head, offset, length };
    }

    Header* m_header { nullptr };
    uint8_t* m_data { nullptr };
    uint64_t m_capacity { 0 };
};

} // namespace gehri::ipc

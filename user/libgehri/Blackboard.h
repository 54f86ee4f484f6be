#pragma once

#include <user/libgehri/Handle.h>

namespace gehri {

// An entry as get() found it: the writer is stamped by the kernel.
struct Entry {
    size_t size { 0 }; // bytes of the value (what it needs, on BufferTooSmall)
    uint64_t version { 0 };
    uint64_t created_version { 0 };
    system::AgentId writer { 0 };
    uint64_t time_ns { 0 };
};

// One change a watch reports.
struct WatchEvent {
    abi::WatchEventKind kind { abi::WatchEventKind::Put };
    size_t key_length { 0 };
    uint64_t version { 0 };
    system::AgentId writer { 0 };
    uint64_t time_ns { 0 };
    bool overflowed { false }; // events were lost before this one: re-read the board
};

// Changes to a key or a key prefix of a blackboard, as a handle that turns readable.
class Watch {
public:
    Watch() = default;
    explicit Watch(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    // The oldest change (its key into `key`), waiting up to `timeout_ns` (0 polls: WouldBlock).
    Result<WatchEvent> next(void* key, size_t capacity, uint64_t timeout_ns = abi::wait_forever) const
    {
        abi::WatchEventInfo io { .timeout_ns = timeout_ns };
        TRY(system::watch_next(m_handle.value(), key, capacity, io));
        return WatchEvent { static_cast<abi::WatchEventKind>(io.kind), io.key_length, io.version, io.writer, io.time_ns, io.overflowed != 0 };
    }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

// A versioned key/value space in the kernel shared by the agents holding its handle (etcd-like):
// get, put, compare-and-swap on a version, delete, and watches. Keys are 1..256 bytes (binary
// safe), values up to 64 KiB, each agent's bytes on the board are limited by a quota.
class Blackboard {
public:
    Blackboard() = default;
    explicit Blackboard(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    static Result<Blackboard> create() { return Blackboard(Handle(TRY(system::blackboard_create()))); }

    // The value into `buffer`. NotFound; BufferTooSmall (the Entry is not returned then; ask with
    // a larger buffer).
    Result<Entry> get(StringView key, void* buffer, size_t capacity) const
    {
        abi::EntryInfo info;
        TRY(system::blackboard_get(m_handle.value(), key.characters(), key.length(), buffer, capacity, info));
        return Entry { info.value_length, info.version, info.created_version, info.writer, info.time_ns };
    }
    // Returns the new version.
    Result<uint64_t> put(StringView key, const void* value, size_t length) const
    {
        return system::blackboard_put(m_handle.value(), key.characters(), key.length(), value, length, abi::any_version);
    }
    // Only if the key is at `expected` (0: only if absent); VersionMismatch otherwise.
    Result<uint64_t> compare_and_swap(StringView key, uint64_t expected, const void* value, size_t length) const
    {
        return system::blackboard_put(m_handle.value(), key.characters(), key.length(), value, length, expected);
    }
    Result<uint64_t> remove(StringView key, uint64_t expected = abi::any_version) const
    {
        return system::blackboard_delete(m_handle.value(), key.characters(), key.length(), expected);
    }
    Result<Watch> watch(StringView pattern, abi::WatchScope scope = abi::WatchScope::Key, uint32_t capacity = 64) const
    {
        return Watch(Handle(TRY(system::blackboard_watch(m_handle.value(), pattern.characters(), pattern.length(), scope, capacity))));
    }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

} // namespace gehri

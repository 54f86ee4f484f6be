#pragma once

#include <initializer_list>
#include <kernel/audit/ByteRing.h>
#include <kernel/audit/Encoding.h>
#include <kernel/lib/Format.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <limits>
#include <type_traits>

namespace gehri::audit {

// Nanoseconds for the record's time stamp. Called with interrupts disabled and the log's lock
// held, so it must be a plain read of a clock.
using TimeSource = uint64_t (*)();

struct AuditLogConfig {
    uint8_t* storage { nullptr }; // the ring; the log never owns or frees it
    size_t storage_size { 0 };
    uint32_t checkpoint_interval { 64 }; // a Checkpoint record at every sequence multiple of this
    TimeSource clock { nullptr };        // null: every record is stamped 0
};

// The append-only, hash-chained audit log (docs/audit.md).
//
// Records live in a caller-provided byte ring, each stored in its canonical encoding with its
// chain hash, until export_pending() writes them out as JSON lines. Unexported records are never
// overwritten: when the ring has no room, append() drops the NEW record, counts it, and once room
// returns the log first appends a Gap record (chained like any other) saying how many records were
// lost and when. So the chain itself is never broken, and a loss is always visible in it.
class AuditLog {
public:
    static Result<AuditLog> create(const AuditLogConfig& config);

    // Moving is for handing a freshly created log to its owner, before anyone else can see it.
    AuditLog(AuditLog&& other);
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;
    AuditLog& operator=(AuditLog&&) = delete;

    // Appends a decision record stamped with the log's clock and returns its sequence number.
    // Safe from any CPU and from interrupt handlers. Errors: InvalidArgument (a log-internal kind,
    // an unknown kind, bad or duplicate field keys, too many fields, a too-long string);
    // QueueFull when the ring is full: the record is dropped and reported by a later Gap record.
    Result<uint64_t> append(RecordKind kind, AgentId agent, const Field* fields, size_t field_count);
    Result<uint64_t> append(RecordKind kind, AgentId agent, std::initializer_list<Field> fields)
    {
        return append(kind, agent, fields.begin(), fields.size());
    }

    // Writes up to max_records unexported records, oldest first, each as one line
    // "<line_prefix><JSON>\n", and frees their space. Exporters are serialized with each other but
    // not with append(); do not call from interrupt context. Returns the number written.
    size_t export_pending(FormatSink& sink, StringView line_prefix = {}, size_t max_records = std::numeric_limits<size_t>::max());

    // Walks the unexported records, re-deriving the chain: every record must decode, follow its
    // predecessor's sequence number and hash to its stored hash. Returns how many it visited, or
    // BadFormat at the first one that fails. Holds the lock throughout: for tests and diagnostics.
    using Visitor = void (*)(void* context, const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash);
    Result<size_t> visit_pending(Visitor visitor, void* context) const;
    template<typename Callback>
    Result<size_t> for_each_pending(Callback&& callback) const
    {
        using Stored = std::remove_reference_t<Callback>;
        return visit_pending([](void* context, const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash) {
            (*static_cast<Stored*>(context))(record, previous, hash);
        },
            const_cast<void*>(static_cast<const void*>(&callback)));
    }
    Result<size_t> verify_pending() const { return visit_pending(nullptr, nullptr); }

    struct Status {
        uint64_t next_sequence;
        Sha256Digest head;       // hash of the newest record
        size_t pending_records;  // appended, not yet exported
        size_t pending_bytes;
        size_t capacity_bytes;
        uint64_t dropped_total;  // records refused because the ring was full, ever
        uint64_t dropped_unreported; // of those, not yet covered by a Gap record
    };
    Status status() const;

    // Per stored record: a 16-bit length, the encoding, the 32-byte hash.
    static constexpr size_t entry_overhead = 2 + Sha256Digest::size;
    // Upper bound on the encoding of the log's own records (LogStart, Checkpoint, Gap).
    static constexpr size_t max_log_record_size = 160;
    static constexpr size_t max_entry_size = entry_overhead + max_encoded_record_size;
    static constexpr size_t min_storage_size = 2 * max_entry_size + 4 * (entry_overhead + max_log_record_size);
    static constexpr uint32_t min_checkpoint_interval = 2;

private:
    explicit AuditLog(const AuditLogConfig& config);

    uint64_t now() const { return m_clock ? m_clock() : 0; }
    size_t free_bytes() const { return m_ring.capacity() - static_cast<size_t>(m_write_position - m_export_position); }
    void note_drop(uint64_t time_ns);
    // Append primitives: the caller holds m_lock and has checked there is room.
    void store_locked(const RecordView& record, uint8_t* scratch);
    void store_log_record_locked(RecordKind kind, uint64_t time_ns, const Field* fields, size_t count, uint8_t* scratch);
    void checkpoint_if_due_locked(uint64_t time_ns, uint8_t* scratch);
    void report_gap_locked(uint64_t time_ns, uint8_t* scratch);
    // Reads the stored entry at position; returns the encoding length.
    size_t read_entry_locked(uint64_t position, uint8_t* encoded, Sha256Digest& hash) const;

    ByteRing m_ring;
    uint32_t m_checkpoint_interval;
    TimeSource m_clock;

    // m_lock guards everything below; m_export_lock serializes exporters, which take m_lock only
    // briefly. Order: m_export_lock before m_lock.
    mutable Spinlock m_lock;
    Spinlock m_export_lock;

    uint64_t m_write_position { 0 };
    uint64_t m_export_position { 0 };
    uint64_t m_next_sequence { 0 };
    uint64_t m_export_sequence { 0 };
    size_t m_pending_records { 0 };
    Sha256Digest m_head { genesis_hash };
    Sha256Digest m_export_head { genesis_hash };
    uint64_t m_dropped_total { 0 };
    uint64_t m_dropped_unreported { 0 };
    uint64_t m_first_drop_ns { 0 };
    uint64_t m_last_drop_ns { 0 };
};

} // namespace gehri::audit

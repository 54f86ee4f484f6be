#include <kernel/audit/AuditLog.h>
#include <kernel/audit/Json.h>
#include <kernel/log/Panic.h>

namespace gehri::audit {

namespace {

// Room the log keeps for its own records around one append: a Gap, then up to two
// Checkpoints (one after the Gap, one after the record when the interval is 2).
constexpr size_t log_record_entry = AuditLog::entry_overhead + AuditLog::max_log_record_size;
constexpr size_t gap_reserve = 2 * log_record_entry;

void write_line(FormatSink& sink, StringView prefix, const uint8_t* encoded, size_t length, const Sha256Digest& previous, const Sha256Digest& hash)
{
    Field fields[max_fields];
    RecordView record;
    sink.write(prefix);
    if (decode_record(encoded, length, record, fields).is_error())
        sink.write("{\"error\":\"undecodable audit entry in kernel memory\"}"); // the verifier flags this line
    else
        write_json_record(sink, record, previous, hash);
    sink.write("\n");
}

} // namespace

AuditLog::AuditLog(const AuditLogConfig& config)
    : m_ring(config.storage, config.storage_size)
    , m_checkpoint_interval(config.checkpoint_interval)
    , m_clock(config.clock)
{
}

AuditLog::AuditLog(AuditLog&& other)
    : m_ring(other.m_ring)
    , m_checkpoint_interval(other.m_checkpoint_interval)
    , m_clock(other.m_clock)
    , m_write_position(other.m_write_position)
    , m_export_position(other.m_export_position)
    , m_next_sequence(other.m_next_sequence)
    , m_export_sequence(other.m_export_sequence)
    , m_pending_records(other.m_pending_records)
    , m_head(other.m_head)
    , m_export_head(other.m_export_head)
    , m_dropped_total(other.m_dropped_total)
    , m_dropped_unreported(other.m_dropped_unreported)
    , m_first_drop_ns(other.m_first_drop_ns)
    , m_last_drop_ns(other.m_last_drop_ns)
{
    VERIFY(!other.m_lock.is_locked() && !other.m_export_lock.is_locked());
    // The moved-from log keeps no storage: appends to it are dropped, exports find nothing.
    other.m_ring = {};
    other.m_write_position = 0;
    other.m_export_position = 0;
    other.m_pending_records = 0;
}

Result<AuditLog> AuditLog::create(const AuditLogConfig& config)
{
    if (config.storage == nullptr || config.storage_size < min_storage_size)
        return Error::InvalidArgument;
    if (config.checkpoint_interval < min_checkpoint_interval)
        return Error::InvalidArgument;

    AuditLog log(config);
    uint8_t scratch[max_encoded_record_size];
    const Field fields[] = {
        Field::integer("capacity", config.storage_size),
        Field::integer("checkpoint_every", config.checkpoint_interval),
        Field::integer("format", encoding_version),
    };
    {
        InterruptSafeGuard guard(log.m_lock);
        log.store_log_record_locked(RecordKind::LogStart, log.now(), fields, sizeof(fields) / sizeof(fields[0]), scratch);
    }
    return log;
}

void AuditLog::store_locked(const RecordView& record, uint8_t* scratch)
{
    auto encoded = encode_record(record, scratch, max_encoded_record_size);
    VERIFY(encoded.is_ok()); // the caller validated the record
    size_t length = encoded.value();
    Sha256Digest hash = chain_hash(m_head, scratch, length);
    const uint8_t header[2] = { static_cast<uint8_t>(length), static_cast<uint8_t>(length >> 8) };
    m_ring.write(m_write_position, header, sizeof(header));
    m_ring.write(m_write_position + sizeof(header), scratch, length);
    m_ring.write(m_write_position + sizeof(header) + length, hash.bytes, sizeof(hash.bytes));
    m_write_position += entry_overhead + length;
    m_head = hash;
    ++m_next_sequence;
    ++m_pending_records;
}

void AuditLog::store_log_record_locked(RecordKind kind, uint64_t time_ns, const Field* fields, size_t count, uint8_t* scratch)
{
    RecordView record { m_next_sequence, time_ns, kernel_agent, kind, fields, count };
    auto size = encoded_record_size(record);
    VERIFY(size.is_ok() && size.value() <= max_log_record_size);
    VERIFY(free_bytes() >= entry_overhead + size.value());
    store_locked(record, scratch);
}

void AuditLog::checkpoint_if_due_locked(uint64_t time_ns, uint8_t* scratch)
{
    if (m_next_sequence % m_checkpoint_interval != 0)
        return;
    char chain[sha256_hex_length];
    to_hex(m_head, chain);
    const Field fields[] = {
        Field::string("chain", { chain, sizeof(chain) }),
        Field::integer("records", m_next_sequence),
    };
    store_log_record_locked(RecordKind::Checkpoint, time_ns, fields, 2, scratch);
}

void AuditLog::report_gap_locked(uint64_t time_ns, uint8_t* scratch)
{
    const Field fields[] = {
        Field::integer("dropped", m_dropped_unreported),
        Field::integer("first_time_ns", m_first_drop_ns),
        Field::integer("last_time_ns", m_last_drop_ns),
    };
    store_log_record_locked(RecordKind::Gap, time_ns, fields, 3, scratch);
    m_dropped_unreported = 0;
    checkpoint_if_due_locked(time_ns, scratch);
}

void AuditLog::note_drop(uint64_t time_ns)
{
    if (m_dropped_unreported == 0)
        m_first_drop_ns = time_ns;
    m_last_drop_ns = time_ns;
    ++m_dropped_unreported;
    ++m_dropped_total;
}

Result<uint64_t> AuditLog::append(RecordKind kind, AgentId agent, const Field* fields, size_t field_count)
{
    if (!is_known_kind(static_cast<uint16_t>(kind)) || is_log_kind(kind))
        return Error::InvalidArgument;
    if (field_count > max_fields || (field_count > 0 && fields == nullptr))
        return Error::InvalidArgument;
    Field sorted[max_fields];
    for (size_t i = 0; i < field_count; ++i)
        sorted[i] = fields[i];
    sort_fields(sorted, field_count);
    TRY(validate_fields(sorted, field_count));

    uint8_t scratch[max_encoded_record_size];
    InterruptSafeGuard guard(m_lock);
    uint64_t time_ns = now();
    // The Gap and a Checkpoint may come first, so the record's number is at most two higher;
    // a larger number never encodes shorter, so this bounds the real size.
    RecordView record { m_next_sequence + 2, time_ns, agent, kind, sorted, field_count };
    size_t needed = entry_overhead + TRY(encoded_record_size(record)) + 2 * log_record_entry;
    if (m_dropped_unreported > 0)
        needed += log_record_entry;
    if (free_bytes() < needed) {
        note_drop(time_ns);
        return Error::QueueFull;
    }
    if (m_dropped_unreported > 0)
        report_gap_locked(time_ns, scratch);
    record.sequence = m_next_sequence;
    store_locked(record, scratch);
    checkpoint_if_due_locked(time_ns, scratch);
    return record.sequence;
}

size_t AuditLog::read_entry_locked(uint64_t position, uint8_t* encoded, Sha256Digest& hash) const
{
    uint8_t header[2];
    m_ring.read(position, header, sizeof(header));
    size_t length = header[0] | (size_t(header[1]) << 8);
    VERIFY(length <= max_encoded_record_size); // only store_locked() writes here
    m_ring.read(position + sizeof(header), encoded, length);
    m_ring.read(position + sizeof(header) + length, hash.bytes, sizeof(hash.bytes));
    return length;
}

size_t AuditLog::export_pending(FormatSink& sink, StringView line_prefix, size_t max_records)
{
    LockGuard export_guard(m_export_lock);
    uint8_t encoded[max_encoded_record_size];
    size_t exported = 0;
    while (exported < max_records) {
        size_t length;
        Sha256Digest previous;
        Sha256Digest hash;
        {
            InterruptSafeGuard guard(m_lock);
            // Space freed by this export lets a pending loss be reported without waiting for
            // the next append.
            if (m_dropped_unreported > 0 && free_bytes() >= gap_reserve)
                report_gap_locked(now(), encoded);
            if (m_pending_records == 0)
                break;
            length = read_entry_locked(m_export_position, encoded, hash);
            previous = m_export_head;
        }
        write_line(sink, line_prefix, encoded, length, previous, hash);
        {
            InterruptSafeGuard guard(m_lock);
            m_export_position += entry_overhead + length;
            m_export_head = hash;
            ++m_export_sequence;
            --m_pending_records;
        }
        ++exported;
    }
    return exported;
}

Result<size_t> AuditLog::visit_pending(Visitor visitor, void* context) const
{
    InterruptSafeGuard guard(m_lock);
    uint8_t encoded[max_encoded_record_size];
    Field fields[max_fields];
    Sha256Digest previous = m_export_head;
    uint64_t position = m_export_position;
    for (size_t i = 0; i < m_pending_records; ++i) {
        uint8_t header[2];
        m_ring.read(position, header, sizeof(header));
        size_t length = header[0] | (size_t(header[1]) << 8);
        if (length > max_encoded_record_size)
            return Error::BadFormat;
        Sha256Digest hash;
        m_ring.read(position + sizeof(header), encoded, length);
        m_ring.read(position + sizeof(header) + length, hash.bytes, sizeof(hash.bytes));
        RecordView record;
        TRY(decode_record(encoded, length, record, fields));
        if (record.sequence != m_export_sequence + i || chain_hash(previous, encoded, length) != hash)
            return Error::BadFormat;
        if (visitor)
            visitor(context, record, previous, hash);
        previous = hash;
        position += entry_overhead + length;
    }
    if (previous != m_head)
        return Error::BadFormat;
    return m_pending_records;
}

AuditLog::Status AuditLog::status() const
{
    InterruptSafeGuard guard(m_lock);
    return {
        m_next_sequence,
        m_head,
        m_pending_records,
        static_cast<size_t>(m_write_position - m_export_position),
        m_ring.capacity(),
        m_dropped_total,
        m_dropped_unreported,
    };
}

} // namespace gehri::audit

#include <kernel/audit/Encoding.h>
#include <kernel/audit/Json.h>
#include <tools/audit-verify/JsonReader.h>
#include <tools/audit-verify/Verifier.h>
#include <vector>

namespace gehri::audit::verify {

namespace {

struct Line {
    size_t number;
    std::string_view payload;
};

// A record as read back from JSON, owning the bytes its Field views point at.
struct ParsedRecord {
    uint64_t sequence { 0 };
    uint64_t time_ns { 0 };
    AgentId agent { 0 };
    RecordKind kind { RecordKind::LogStart };
    std::vector<std::string> keys;
    std::vector<std::string> texts;
    std::vector<Field> fields;
    Sha256Digest previous;
    Sha256Digest hash;

    RecordView view() const { return { sequence, time_ns, agent, kind, fields.data(), fields.size() }; }
    const Field* field(std::string_view key) const
    {
        for (const auto& field : fields) {
            if (std::string_view(field.key.characters(), field.key.length()) == key)
                return &field;
        }
        return nullptr;
    }
};

std::string hex(const Sha256Digest& digest)
{
    char text[sha256_hex_length];
    to_hex(digest, text);
    return std::string(text, sizeof(text));
}

StringView view_of(const std::string& text) { return { text.data(), text.size() }; }

std::vector<Line> record_lines(std::string_view text, bool& serial_mode)
{
    std::vector<Line> all;
    size_t number = 0;
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        all.push_back({ ++number, line });
        start = end + 1;
    }
    std::string_view marker(serial_marker.characters(), serial_marker.length());
    serial_mode = false;
    for (const auto& line : all)
        serial_mode = serial_mode || line.payload.starts_with(marker);
    std::vector<Line> records;
    // A file where nothing is marked and nothing looks like JSON holds no records at all (a
    // capture of a boot that exported none), which is not the same as a malformed record.
    bool any_object = false;
    for (const auto& line : all) {
        size_t first = line.payload.find_first_not_of(" \t");
        any_object = any_object || (first != std::string_view::npos && line.payload[first] == '{');
    }
    if (!serial_mode && !any_object)
        return records;
    for (const auto& line : all) {
        if (serial_mode) {
            if (line.payload.starts_with(marker))
                records.push_back({ line.number, line.payload.substr(marker.size()) });
        } else if (line.payload.find_first_not_of(" \t") != std::string_view::npos) {
            records.push_back(line);
        }
    }
    return records;
}

bool read_unsigned(const json::Value& object, const char* key, uint64_t& out, std::string& error)
{
    const json::Value* value = object.member(key);
    if (!value || value->type != json::Value::Type::Integer || value->negative) {
        error = std::string("\"") + key + "\" must be a non-negative integer";
        return false;
    }
    out = value->magnitude;
    return true;
}

bool read_digest(const json::Value& object, const char* key, Sha256Digest& out, std::string& error)
{
    const json::Value* value = object.member(key);
    if (!value || value->type != json::Value::Type::String || !parse_hex(view_of(value->text), out)) {
        error = std::string("\"") + key + "\" must be 64 hex digits";
        return false;
    }
    return true;
}

bool read_fields(const json::Value& object, ParsedRecord& record, std::string& error)
{
    const json::Value* fields = object.member("fields");
    if (!fields || fields->type != json::Value::Type::Object) {
        error = "\"fields\" must be an object";
        return false;
    }
    if (fields->members.size() > max_fields) {
        error = "more than " + std::to_string(max_fields) + " fields";
        return false;
    }
    // Reserve first: the Field views must not move.
    record.keys.reserve(fields->members.size());
    record.texts.reserve(fields->members.size());
    for (const auto& [key, value] : fields->members) {
        if (value.type == json::Value::Type::Object) {
            error = "field \"" + key + "\" is an object; fields hold integers or strings";
            return false;
        }
        record.keys.push_back(key);
        record.texts.push_back(value.text);
        Field field { view_of(record.keys.back()), Field::Type::Integer, value.negative, value.magnitude, view_of(record.texts.back()) };
        if (value.type == json::Value::Type::String)
            field.type = Field::Type::String;
        if (validate_field(field).is_error()) {
            error = "field \"" + key + "\" breaks the field rules (key [a-z0-9_]{1,16}, string up to 64 bytes, integer -2^63..2^64-1)";
            return false;
        }
        record.fields.push_back(field);
    }
    sort_fields(record.fields.data(), record.fields.size());
    return true;
}

bool record_from_json(const json::Value& object, ParsedRecord& record, std::string& error)
{
    static constexpr const char* keys[] = { "seq", "time_ns", "agent", "kind", "fields", "prev", "hash" };
    for (const auto& [name, value] : object.members) {
        bool known = false;
        for (const char* key : keys)
            known = known || name == key;
        if (!known) {
            error = "unknown key \"" + name + "\"";
            return false;
        }
    }
    if (!read_unsigned(object, "seq", record.sequence, error) || !read_unsigned(object, "time_ns", record.time_ns, error)
        || !read_unsigned(object, "agent", record.agent, error))
        return false;
    const json::Value* kind = object.member("kind");
    if (!kind || kind->type != json::Value::Type::String || !parse_record_kind(view_of(kind->text), record.kind)) {
        error = "\"kind\" must name a record kind" + (kind && kind->type == json::Value::Type::String ? " (unknown: \"" + kind->text + "\")" : std::string());
        return false;
    }
    if (!read_fields(object, record, error))
        return false;
    if (validate_fields(record.fields.data(), record.fields.size()).is_error()) {
        error = "two fields with the same key";
        return false;
    }
    return read_digest(object, "prev", record.previous, error) && read_digest(object, "hash", record.hash, error);
}

// The sequence number of a line, if it parses at all: used only to tell "missing" from
// "reordered".
std::optional<uint64_t> peek_sequence(std::string_view payload)
{
    json::Value object;
    json::ParseError error;
    if (!json::parse_object(payload, object, error))
        return std::nullopt;
    const json::Value* seq = object.member("seq");
    if (!seq || seq->type != json::Value::Type::Integer || seq->negative)
        return std::nullopt;
    return seq->magnitude;
}

bool is_unsigned_field(const ParsedRecord& record, std::string_view key, uint64_t& out)
{
    const Field* field = record.field(key);
    if (!field || field->type != Field::Type::Integer || field->negative)
        return false;
    out = field->magnitude;
    return true;
}

class Checker {
public:
    Checker(std::vector<Line> lines, const Options& options)
        : m_lines(std::move(lines))
        , m_options(options)
    {
    }

    Report run(bool serial_mode)
    {
        m_report.serial_mode = serial_mode;
        if (m_lines.empty()) {
            fail(ProblemKind::NoRecords, 0, std::nullopt, "no audit records found (no line starts with \"AUDIT \" or is a JSON object)");
            return m_report;
        }
        for (size_t index = 0; index < m_lines.size() && m_report.intact(); ++index)
            check_line(index);
        if (m_report.intact() && m_options.anchor && m_report.anchor_line == 0)
            fail(ProblemKind::AnchorMissing, 0, std::nullopt, "no record has the anchor hash " + hex(*m_options.anchor) + ": the log was rewritten or does not reach that record");
        return m_report;
    }

private:
    void fail(ProblemKind kind, size_t line, std::optional<uint64_t> sequence, std::string message)
    {
        m_report.problem = Problem { kind, line, sequence, std::move(message) };
    }

    void check_line(size_t index)
    {
        const Line& line = m_lines[index];
        json::Value object;
        json::ParseError parse_error;
        if (!json::parse_object(line.payload, object, parse_error)) {
            if (parse_error.truncated) {
                bool last = index + 1 == m_lines.size();
                fail(ProblemKind::Truncated, line.number, std::nullopt,
                    std::string(last ? "the last record is cut off" : "the record is cut off") + ": the line ends at column "
                        + std::to_string(parse_error.column) + " inside the JSON object");
            } else {
                fail(ProblemKind::Malformed, line.number, std::nullopt, "not a valid JSON record at column " + std::to_string(parse_error.column) + ": " + parse_error.message);
            }
            return;
        }
        ParsedRecord record;
        std::string error;
        if (!record_from_json(object, record, error)) {
            fail(ProblemKind::InvalidRecord, line.number, peek_sequence(line.payload), "not a valid audit record: " + error);
            return;
        }
        if (!check_position(index, record) || !check_hash(line, record) || !check_meaning(line, record))
            return;
        m_previous = record.hash;
        m_previous_line = line.number;
        ++m_expected_sequence;
        ++m_report.records;
        m_report.head = record.hash;
        if (m_options.anchor && *m_options.anchor == record.hash)
            m_report.anchor_line = line.number;
    }

    std::string where_previous() const
    {
        return "seq " + std::to_string(m_expected_sequence - 1) + " (line " + std::to_string(m_previous_line) + ")";
    }
    std::string previous_hash_name() const
    {
        return m_expected_sequence == 0 ? "the genesis hash (all zeros)" : "the hash of " + where_previous();
    }

    bool check_position(size_t index, const ParsedRecord& record)
    {
        size_t line = m_lines[index].number;
        uint64_t expected = m_expected_sequence;
        if (record.sequence == expected)
            return true;
        std::string found = "expected seq " + std::to_string(expected) + ", found seq " + std::to_string(record.sequence);
        // It links to the record before it, so it is in its place and only its number changed.
        if (record.previous == m_previous) {
            fail(ProblemKind::Altered, line, record.sequence, "the sequence number was changed: " + found + " in a record whose prev is " + previous_hash_name());
            return false;
        }
        if (record.sequence == 0 && record.kind == RecordKind::LogStart) {
            fail(ProblemKind::NewLog, line, 0, "a second log starts here (seq 0 after " + where_previous() + "); verify one boot's log at a time");
            return false;
        }
        if (record.sequence < expected) {
            fail(ProblemKind::Reordered, line, record.sequence, found + ": seq " + std::to_string(record.sequence) + " is out of order or repeated");
            return false;
        }
        for (size_t later = index + 1; later < m_lines.size(); ++later) {
            if (peek_sequence(m_lines[later].payload) == expected) {
                fail(ProblemKind::Reordered, line, record.sequence,
                    found + ": records are out of order (seq " + std::to_string(expected) + " comes later, at line " + std::to_string(m_lines[later].number) + ")");
                return false;
            }
        }
        std::string range = record.sequence - expected == 1 ? "seq " + std::to_string(expected)
                                                            : "seq " + std::to_string(expected) + ".." + std::to_string(record.sequence - 1);
        fail(ProblemKind::Missing, line, record.sequence, found + ": record " + range + " is missing");
        return false;
    }

    bool check_hash(const Line& line, const ParsedRecord& record)
    {
        if (record.previous != m_previous) {
            fail(ProblemKind::BrokenLink, line.number, record.sequence, "prev " + hex(record.previous) + " is not " + previous_hash_name());
            return false;
        }
        uint8_t encoded[max_encoded_record_size];
        auto length = encode_record(record.view(), encoded, sizeof(encoded));
        if (length.is_error()) {
            fail(ProblemKind::InvalidRecord, line.number, record.sequence, "the record cannot be encoded");
            return false;
        }
        Sha256Digest recomputed = chain_hash(m_previous, encoded, length.value());
        if (recomputed != record.hash) {
            fail(ProblemKind::Altered, line.number, record.sequence,
                "the record was altered: its contents hash to " + hex(recomputed) + ", but it says " + hex(record.hash));
            return false;
        }
        return true;
    }

    bool check_meaning(const Line& line, const ParsedRecord& record)
    {
        uint64_t sequence = record.sequence;
        if (sequence == 0)
            return check_log_start(line, record);
        if (record.kind == RecordKind::LogStart) {
            fail(ProblemKind::BadLogStart, line.number, sequence, "a LogStart record in the middle of the log");
            return false;
        }
        bool due = sequence % m_checkpoint_interval == 0;
        if (due != (record.kind == RecordKind::Checkpoint)) {
            fail(ProblemKind::BadCheckpoint, line.number, sequence,
                due ? "a Checkpoint is due at seq " + std::to_string(sequence) + " (every " + std::to_string(m_checkpoint_interval) + " records), found " + std::string(record_kind_name(record.kind).characters())
                    : "a Checkpoint at seq " + std::to_string(sequence) + " is off the schedule (every " + std::to_string(m_checkpoint_interval) + " records)");
            return false;
        }
        if (is_log_kind(record.kind) && record.agent != kernel_agent) {
            fail(record.kind == RecordKind::Gap ? ProblemKind::BadGap : ProblemKind::BadCheckpoint, line.number, sequence, "a log record must have agent 0");
            return false;
        }
        if (record.kind == RecordKind::Checkpoint)
            return check_checkpoint(line, record);
        if (record.kind == RecordKind::Gap)
            return check_gap(line, record);
        return true;
    }

    bool check_log_start(const Line& line, const ParsedRecord& record)
    {
        uint64_t format = 0;
        uint64_t interval = 0;
        uint64_t capacity = 0;
        if (record.kind != RecordKind::LogStart || record.agent != kernel_agent || record.fields.size() != 3 || !is_unsigned_field(record, "format", format)
            || !is_unsigned_field(record, "checkpoint_every", interval) || !is_unsigned_field(record, "capacity", capacity)) {
            fail(ProblemKind::BadLogStart, line.number, 0, "seq 0 must be a LogStart by agent 0 with fields capacity, checkpoint_every and format");
            return false;
        }
        if (format != encoding_version || interval < 2) {
            fail(ProblemKind::BadLogStart, line.number, 0, "LogStart has format " + std::to_string(format) + " (this verifier knows " + std::to_string(encoding_version) + ") and checkpoint_every " + std::to_string(interval) + " (must be >= 2)");
            return false;
        }
        m_checkpoint_interval = interval;
        return true;
    }

    bool check_checkpoint(const Line& line, const ParsedRecord& record)
    {
        uint64_t count = 0;
        const Field* chain = record.field("chain");
        if (record.fields.size() != 2 || !is_unsigned_field(record, "records", count) || !chain || chain->type != Field::Type::String) {
            fail(ProblemKind::BadCheckpoint, line.number, record.sequence, "a Checkpoint carries exactly the fields chain and records");
            return false;
        }
        if (count != record.sequence) {
            fail(ProblemKind::BadCheckpoint, line.number, record.sequence, "the Checkpoint counts " + std::to_string(count) + " records before it, but there are " + std::to_string(record.sequence));
            return false;
        }
        if (std::string(chain->text.characters(), chain->text.length()) != hex(m_previous)) {
            fail(ProblemKind::BadCheckpoint, line.number, record.sequence, "the Checkpoint's chain hash is not the hash of " + where_previous());
            return false;
        }
        ++m_report.checkpoints;
        return true;
    }

    bool check_gap(const Line& line, const ParsedRecord& record)
    {
        uint64_t dropped = 0;
        uint64_t first = 0;
        uint64_t last = 0;
        if (record.fields.size() != 3 || !is_unsigned_field(record, "dropped", dropped) || !is_unsigned_field(record, "first_time_ns", first)
            || !is_unsigned_field(record, "last_time_ns", last) || dropped == 0 || first > last) {
            fail(ProblemKind::BadGap, line.number, record.sequence, "a Gap carries dropped >= 1 and first_time_ns <= last_time_ns");
            return false;
        }
        ++m_report.gap_records;
        m_report.dropped_records += dropped;
        return true;
    }

    std::vector<Line> m_lines;
    const Options& m_options;
    Report m_report;
    Sha256Digest m_previous { genesis_hash };
    size_t m_previous_line { 0 };
    uint64_t m_expected_sequence { 0 };
    uint64_t m_checkpoint_interval { 0 };
};

} // namespace

const char* problem_kind_name(ProblemKind kind)
{
    switch (kind) {
    case ProblemKind::NoRecords: return "no records";
    case ProblemKind::Malformed: return "malformed";
    case ProblemKind::Truncated: return "truncated";
    case ProblemKind::InvalidRecord: return "invalid record";
    case ProblemKind::Missing: return "missing record";
    case ProblemKind::Reordered: return "reordered";
    case ProblemKind::NewLog: return "second log";
    case ProblemKind::BrokenLink: return "broken chain";
    case ProblemKind::Altered: return "altered";
    case ProblemKind::BadLogStart: return "bad LogStart";
    case ProblemKind::BadCheckpoint: return "bad checkpoint";
    case ProblemKind::BadGap: return "bad gap";
    case ProblemKind::AnchorMissing: return "anchor missing";
    }
    return "problem";
}

Report verify_log(std::string_view text, const Options& options)
{
    bool serial_mode = false;
    std::vector<Line> lines = record_lines(text, serial_mode);
    return Checker(std::move(lines), options).run(serial_mode);
}

std::string describe(const Report& report, std::string_view source_name)
{
    std::string source(source_name);
    if (!report.intact()) {
        const Problem& problem = *report.problem;
        std::string text = source;
        if (problem.line > 0)
            text += ":" + std::to_string(problem.line);
        text += ": ";
        if (problem.sequence)
            text += "record seq " + std::to_string(*problem.sequence) + ": ";
        text += std::string(problem_kind_name(problem.kind)) + ": " + problem.message + "\n";
        text += source + ": NOT intact; " + std::to_string(report.records) + " record" + (report.records == 1 ? "" : "s") + " verified before the first problem\n";
        return text;
    }
    std::string text = source + ": intact: " + std::to_string(report.records) + " records (seq 0.." + std::to_string(report.records - 1) + "), "
        + std::to_string(report.checkpoints) + " checkpoint" + (report.checkpoints == 1 ? "" : "s") + ", head " + hex(report.head) + "\n";
    if (report.anchor_line > 0)
        text += source + ": the anchor record is at line " + std::to_string(report.anchor_line) + "\n";
    if (report.gap_records > 0) {
        text += source + ": note: " + std::to_string(report.gap_records) + " Gap record" + (report.gap_records == 1 ? "" : "s") + ": the kernel could not log "
            + std::to_string(report.dropped_records) + " record" + (report.dropped_records == 1 ? "" : "s") + " because its audit ring was full\n";
    }
    return text;
}

} // namespace gehri::audit::verify

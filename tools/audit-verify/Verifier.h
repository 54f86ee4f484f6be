#pragma once

#include <kernel/audit/Sha256.h>
#include <optional>
#include <stdint.h>
#include <string>
#include <string_view>

// The verifier's core, free of I/O so tests call it directly: it re-parses every audit line,
// re-encodes each record canonically, re-derives the hash chain and stops at the first record
// that does not hold up.
namespace gehri::audit::verify {

enum class ProblemKind {
    NoRecords,     // nothing that looks like an audit record
    Malformed,     // the line is not valid JSON
    Truncated,     // the line ends inside the JSON object
    InvalidRecord, // valid JSON, but not a record the kernel could have written
    Missing,       // one or more sequence numbers are absent
    Reordered,     // a record is out of sequence order (or repeated)
    NewLog,        // a second log (seq 0) begins: one log per check
    BrokenLink,    // "prev" is not the hash of the record before
    Altered,       // the contents do not hash to the record's "hash"
    BadLogStart,   // the first record is not a proper LogStart
    BadCheckpoint, // a checkpoint is missing, misplaced or states the wrong count or hash
    BadGap,        // a Gap record with impossible fields
    AnchorMissing, // no verified record has the hash the caller trusts
};

const char* problem_kind_name(ProblemKind kind);

struct Problem {
    ProblemKind kind;
    size_t line { 0 };                 // 1-based line in the input; 0 when not about a line
    std::optional<uint64_t> sequence;  // the record's seq, when it could be read
    std::string message;
};

struct Report {
    std::optional<Problem> problem; // the FIRST problem; empty when the log is intact
    bool serial_mode { false };     // records were picked out by the "AUDIT " marker
    size_t records { 0 };           // verified records
    size_t checkpoints { 0 };
    size_t gap_records { 0 };
    uint64_t dropped_records { 0 }; // total the Gap records say the kernel could not log
    Sha256Digest head {};           // hash of the last verified record
    size_t anchor_line { 0 };       // where the anchor record is, when one was given and found

    bool intact() const { return !problem.has_value(); }
};

struct Options {
    // A record hash known from elsewhere (a checkpoint or head hash noted at the time, printed on
    // another channel). The chain alone only shows the log is self-consistent: someone who
    // rewrites a record and re-hashes everything after it produces another consistent chain.
    // With an anchor, the log must contain that exact record, which pins everything before it.
    std::optional<Sha256Digest> anchor;
};

// Input is either plain JSON lines (one record per non-blank line) or a serial console capture,
// where only lines starting with the marker "AUDIT " are records and everything else is ignored.
// The mode is serial as soon as any line starts with the marker. "\r\n" line ends are fine.
Report verify_log(std::string_view text, const Options& options = {});

// One-paragraph, human-readable result, the tool's output.
std::string describe(const Report& report, std::string_view source_name);

} // namespace gehri::audit::verify

#pragma once

#include <kernel/audit/Record.h>
#include <kernel/audit/Sha256.h>
#include <kernel/lib/Format.h>

// One record as one line of JSON (without the newline):
//   {"seq":7,"time_ns":123,"agent":4,"kind":"LeaseGranted","fields":{"lease":9,"resource":"gpu0"},
//    "prev":"<64 hex>","hash":"<64 hex>"}
// Strings are byte strings: '"' and '\' are escaped with a backslash, printable ASCII is written
// as is, and every other byte b as \u00XX, so any byte sequence survives the trip and the line
// is pure ASCII. The host verifier reads exactly this back (tools/audit-verify).
namespace gehri::audit {

// The kernel prefixes each exported line with this on the serial console, so the verifier can pick
// the audit records out of everything else the console carries.
constexpr StringView serial_marker = "AUDIT ";

constexpr size_t max_json_string_length = 2 + 6 * max_string_length;
// Generous upper bound on one line, used to size line buffers.
constexpr size_t max_json_record_length = 256 + 2 * sha256_hex_length + max_fields * (max_key_length + 8 + max_json_string_length);

void write_json_string(FormatSink& sink, StringView bytes);
void write_json_record(FormatSink& sink, const RecordView& record, const Sha256Digest& previous, const Sha256Digest& hash);

} // namespace gehri::audit

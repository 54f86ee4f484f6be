#pragma once

#include <kernel/audit/Record.h>
#include <kernel/audit/Sha256.h>
#include <kernel/lib/Result.h>

// The canonical byte encoding of a record, the thing the hash chain covers. The kernel and the
// host verifier share this code, so both sides always agree on it. Layout (docs/audit.md):
//   u8 version(=1), uv seq, uv time_ns, uv agent, uv kind, uv field_count,
//   per field, sorted by key: uv key_length, key, u8 tag, value
//     tag 1 integer >= 0: uv value;  tag 2 integer < 0: uv magnitude;  tag 3 string: uv length, bytes
// where uv is an unsigned LEB128 varint in its shortest form.
namespace gehri::audit {

constexpr uint8_t encoding_version = 1;

enum class FieldTag : uint8_t { NonNegative = 1, Negative = 2, String = 3 };

constexpr size_t max_varint_length = 10;
constexpr size_t max_encoded_field_size = 1 + max_key_length + 1 + max_varint_length + max_string_length;
constexpr size_t max_encoded_record_size = 1 + 5 * max_varint_length + max_fields * max_encoded_field_size;

// hash_n = SHA-256(hash_{n-1} || canonical(record_n)); the record before the first is all zeros.
constexpr Sha256Digest genesis_hash {};
Sha256Digest chain_hash(const Sha256Digest& previous, const uint8_t* encoded, size_t length);

bool is_valid_key(StringView key);
// Keys of [a-z0-9_], 1..16 bytes; strings up to 64 bytes; negative integers -1 .. -2^63.
Result<void> validate_field(const Field& field);
// At most max_fields, each valid, keys strictly ascending (so sorted and unique).
Result<void> validate_fields(const Field* fields, size_t count);
// Byte-wise key order, a prefix first: the canonical order of fields.
bool key_less(StringView a, StringView b);
void sort_fields(Field* fields, size_t count);

// The length encode_record() would produce, without writing anything.
Result<size_t> encoded_record_size(const RecordView& record);
// Fails with InvalidArgument for an invalid record, OutOfRange when capacity is too small.
Result<size_t> encode_record(const RecordView& record, uint8_t* out, size_t capacity);
// The exact inverse; rejects anything encode_record would not produce (BadFormat). The decoded
// fields live in `fields` and view into `bytes`.
Result<void> decode_record(const uint8_t* bytes, size_t length, RecordView& out, Field (&fields)[max_fields]);

} // namespace gehri::audit

#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>

// Reading a console command line word by word.
namespace gehri::shell {

// The next space-separated word of `line` from `position`, which moves past it.
StringView next_word(StringView line, size_t& position);
// A decimal number of at most 18 digits, optionally negative.
bool parse_number(StringView text, int64_t& out);

} // namespace gehri::shell

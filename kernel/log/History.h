#pragma once

#include <kernel/lib/Format.h>

// The kernel log's recent past, for the console's `log` command: the last lines written, in a
// fixed ring (old lines are overwritten; nothing is allocated).
namespace gehri::log {

constexpr size_t history_bytes = 16 * 1024;

void remember_line(StringView line);
// Writes the last `max_lines` remembered lines (whole lines only), oldest first.
void write_history(FormatSink& sink, size_t max_lines);

} // namespace gehri::log

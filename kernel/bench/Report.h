#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>

// The BENCH lines Gehri's benchmarks print on the console, in the format the Linux guest's
// benchmark prints too, so that one parser (bench/harness) reads both:
//   BENCH name=<workload> unit=<unit> value=<n> iterations=<k> [key=value ...]
//   BENCH name=<workload> unavailable=<reason to the end of the line>
// Under `-icount shift=0` the TSC advances once per guest instruction, so TSC deltas are
// reported with unit=instructions.
namespace gehri::bench {

// A time per operation, rounded to the nearest instruction.
void report_instructions(StringView name, uint64_t total, uint64_t operations, StringView extra = {});
void report_unavailable(StringView name, StringView reason);

} // namespace gehri::bench

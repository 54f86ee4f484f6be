#pragma once

#include <kernel/lib/StringView.h>

// Gehri's side of `./gehri bench`: booted with gehri.bench=all (or a comma-separated list of
// workload names), the kernel runs its benchmark workloads and prints one BENCH line each
// (see Report.h), including `unavailable=` for those it cannot run yet, so that the harness
// lists every workload side by side with Linux. See bench/README.md.
namespace gehri::bench {

// Runs the selected workloads; returns false if the selection named no workload.
bool run_benchmarks(StringView selection);

} // namespace gehri::bench

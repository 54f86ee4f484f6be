#pragma once

#include <kernel/lib/StringView.h>

namespace gehri::bench {

// Whether `name` is in `selection`, a comma-separated list of workload names from
// gehri.bench=...; "all" selects every workload. Empty entries select nothing.
bool is_selected(StringView selection, StringView name);

} // namespace gehri::bench

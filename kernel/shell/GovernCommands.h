#pragma once

#include <kernel/lib/Format.h>

// The console commands for the human's part in the collective's decisions: proposals,
// cosign ID, veto ID, lift ID (docs/collective.md). Audited by the services they call.
namespace gehri::shell {

// Runs `command` (the line's first word; its arguments follow `position`) if it is one of these
// and returns true; false for any other command.
bool run_govern_command(StringView command, StringView line, size_t position, FormatSink& out);

} // namespace gehri::shell

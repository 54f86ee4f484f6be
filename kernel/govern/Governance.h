#pragma once

#include <kernel/boot/Initrd.h>
#include <kernel/collective/BreakGlass.h>
#include <kernel/govern/EventQueues.h>
#include <kernel/lib/Format.h>

// The collective services as kernel services (docs/collective.md): one instance of each,
// serialized by its own lock, acting on the system through the KernelOutbox.
namespace gehri::govern {

// Once at boot, after the audit log and the initrd: builds the services under the initrd's
// etc/policy (or the built-in policy; see BootPolicy.h and policy_refused() in Collective.h)
// and starts the kernel thread that reverts resource effects when they expire.
Result<void> initialize(const boot::Initrd*);
bool is_initialized();

// --- Break-glass: the human's controls ----------------------------------------------------
// Executes a command from the console (serial line or key combination): audited, then
// performed. Thread context. Errors as BreakGlass::execute; NotFound also for isolating an
// agent that is not running.
Result<void> execute_break_glass(const collective::BreakGlassCommand&, collective::CommandSource);
// Parses and executes one console line ("freeze", "isolate 7", ...), answering on `out`.
void run_break_glass_line(StringView line, collective::CommandSource, FormatSink& out);
collective::BreakGlass::State break_glass_state();

// Resource effects (Effects.h) are reverted at their `until` by the govern thread; applying
// one calls this so that the thread looks at the new deadline. Thread context.
void effect_changed();

// --- Events --------------------------------------------------------------------------------
EventQueues& events();

} // namespace gehri::govern

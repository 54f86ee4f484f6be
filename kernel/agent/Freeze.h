#pragma once

#include <stdint.h>

namespace gehri::object {
class Agent;
}

// The break-glass freeze (docs/collective.md): while the system is frozen, no agent thread
// enters user mode. Every way into user mode (the first entry, the return from a syscall, the
// return from an interrupt or exception) goes through wait_while_frozen, and a thread spinning
// in user mode takes the timer interrupt at least once per scheduler tick, so within one tick
// every agent thread sits in a wait queue and is never picked again until resume_all. That
// holds whatever class and weight the agents run at, and needs no help from them.
namespace gehri::agent {

// Safe in any context, interrupt handlers included (one atomic store): the keyboard and
// serial interrupt handlers call it directly, before the console thread gets to run.
void freeze_all();
// Thread context: clears the freeze and wakes every frozen thread.
void resume_all();
bool is_frozen();
// Wakes the frozen threads so that those whose agent is being killed end now (the others go
// back to waiting). Agent::kill calls it. Thread context.
void wake_frozen_threads();
// Agent threads waiting in a freeze right now.
uint64_t frozen_thread_count();

// On the way to user mode, by an agent's thread: waits while the system is frozen, and
// returns at once if `agent` is being killed (its thread then ends instead of running).
void wait_while_frozen(const object::Agent& agent);

} // namespace gehri::agent

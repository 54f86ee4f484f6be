#pragma once

#include <kernel/sched/Stack.h>
#include <kernel/sched/Thread.h>
#include <stdint.h>

extern "C" {
// See ContextSwitch.S.
gehri::sched::Thread* gehri_switch_context(uintptr_t* save_stack_pointer, uintptr_t next_stack_pointer, gehri::sched::Thread* previous);
void gehri_thread_trampoline();
// Called from the trampoline; implemented by the scheduler glue (SchedulerPlatform.cpp).
void gehri_thread_first_run(gehri::sched::Thread* previous);
[[noreturn]] void gehri_thread_exit();
}

namespace gehri::arch {

// The initial stack of a scheduler thread: the first switch to it enters the trampoline,
// which finishes the switch, calls entry(argument), then exits the thread. Returns the
// stack pointer to store in the thread's context.
uintptr_t prepare_thread_frame(sched::StackRegion stack, sched::ThreadEntry entry, void* argument);

// The initial stack of a bare context that the first switch enters as if `function` had been
// called with no arguments. For code that switches contexts without the scheduler (the
// context-switch benchmark); `function` must never return.
uintptr_t prepare_function_frame(sched::StackRegion stack, void (*function)());

} // namespace gehri::arch

#pragma once

#include <kernel/mm/Layout.h>
#include <kernel/object/Agent.h>
#include <kernel/syscall/Abi.h>

// Giving one agent the screen (docs/display.md): the boot framebuffer mapped into its address
// space, the kernel's text console no longer painting it, until the agent ends. The break-glass
// freeze paints a FROZEN banner over the agent's picture (console::SharedScreen).
namespace gehri::display {

struct Acquired {
    mm::VirtualAddress address; // of the first pixel
    abi::DisplayInfo info;
};

// Maps the framebuffer into `agent` (user, writable, not executable) somewhere in
// [low, high) and lends it the screen. NotSupported without a usable framebuffer; Busy while
// an agent holds the screen; the address space's errors (NotFound: no room, OutOfRange: too
// many regions, OutOfMemory).
Result<Acquired> acquire(object::Agent& agent, mm::VirtualAddress low, mm::VirtualAddress high);

// Undoes an acquire whose answer could not reach the agent: unmaps it and takes the screen back.
void give_back(object::Agent& agent, const Acquired& acquired);

// By Agent once an agent has ended (its memory already released): the screen comes back to
// the kernel console if the agent held it.
void agent_exited(object::AgentId agent);

// The break-glass freeze started or ended (kernel/govern).
void set_frozen(bool frozen);

// The agent holding the screen, or 0.
object::AgentId holder();

} // namespace gehri::display

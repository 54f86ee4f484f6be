#pragma once

#include <kernel/ipc/Types.h>
#include <kernel/lib/Span.h>

namespace gehri::ipc {

// What to do with handle tokens whose message dies undelivered (queue destroyed, write refused,
// best-effort drop): the object layer registers a function that closes them. Until it does,
// tokens are dropped, which is right for tests and for a kernel with no handle tables yet.
using HandleDisposer = void (*)(Span<const HandleToken> tokens);

void set_handle_disposer(HandleDisposer disposer);
void dispose_handles(Span<const HandleToken> tokens);

} // namespace gehri::ipc

#include <kernel/ipc/HandleDisposal.h>

namespace gehri::ipc {

static HandleDisposer s_disposer = nullptr;

void set_handle_disposer(HandleDisposer disposer) { __atomic_store_n(&s_disposer, disposer, __ATOMIC_RELEASE); }

void dispose_handles(Span<const HandleToken> tokens)
{
    if (tokens.is_empty())
        return;
    if (HandleDisposer disposer = __atomic_load_n(&s_disposer, __ATOMIC_ACQUIRE))
        disposer(tokens);
}

} // namespace gehri::ipc

#pragma once

#include <kernel/ipc/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/object/HandleTable.h>

namespace gehri::object {

// Handles travelling in messages. The sender's handles leave its table (take, all or none) and
// become opaque ipc::HandleTokens; the receiver redeems them into its own table. A token that
// is never redeemed (the message was refused, dropped, or its queue died) is disposed of:
// the object reference it carries is released. Tokens are kernel pointers, never shown to
// agents: an agent only ever sees handle values of its own table.

// Lifts `count` handles (each needs Rights::Transfer) out of `table` into `tokens`.
// BadHandle, AccessDenied, InvalidArgument (a handle twice) leave the table as it was;
// OutOfMemory. On failure every token is 0 (which disposal skips) and the table is unchanged.
Result<void> mint_transfer_tokens(HandleTable& table, const HandleValue* handles, size_t count, ipc::HandleToken* tokens);

// The object a token carries (for checks before the message is sent).
KernelObject& object_of_token(ipc::HandleToken token);

// Installs every token into `table`, writing the new handle values. On OutOfHandles the
// handles already installed are closed and every token is consumed all the same.
Result<void> redeem_transfer_tokens(HandleTable& table, const ipc::HandleToken* tokens, size_t count, HandleValue* handles);

} // namespace gehri::object

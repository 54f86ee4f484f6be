#include <kernel/ipc/HandleDisposal.h>
#include <kernel/object/HandleTransfer.h>
#include <new>

namespace gehri::object {

namespace {

// What a token points at: one object reference and the rights that travel with it.
struct TransitHandle {
    KernelObject* object;
    Rights rights;
};

TransitHandle& transit(ipc::HandleToken token) { return *reinterpret_cast<TransitHandle*>(token); }

void dispose_tokens(Span<const ipc::HandleToken> tokens)
{
    for (ipc::HandleToken token : tokens) {
        if (token == 0)
            continue; // a slot of a message that was never filled
        TransitHandle* handle = &transit(token);
        handle->object->unref();
        delete handle;
    }
}

// Messages can only hold tokens minted here, so the disposer is needed from the first mint on.
void install_disposer_once()
{
    static bool s_installed = false;
    if (!__atomic_exchange_n(&s_installed, true, __ATOMIC_ACQ_REL))
        ipc::set_handle_disposer(dispose_tokens);
}

} // namespace

Result<void> mint_transfer_tokens(HandleTable& table, const HandleValue* handles, size_t count, ipc::HandleToken* tokens)
{
    install_disposer_once();
    // Allocate first: taking the handles is then the last step that can fail.
    for (size_t i = 0; i < count; ++i) {
        auto* handle = new (std::nothrow) TransitHandle { nullptr, Rights::None };
        if (handle == nullptr) {
            for (size_t j = 0; j < i; ++j) {
                delete &transit(tokens[j]);
                tokens[j] = 0;
            }
            return Error::OutOfMemory;
        }
        tokens[i] = reinterpret_cast<ipc::HandleToken>(handle);
    }
    KernelObject* objects[ipc::max_message_handles];
    Rights rights[ipc::max_message_handles];
    auto taken = count <= ipc::max_message_handles ? table.take(handles, count, Rights::Transfer, objects, rights) : Result<void>(Error::TooLarge);
    if (taken.is_error()) {
        for (size_t i = 0; i < count; ++i) {
            delete &transit(tokens[i]);
            tokens[i] = 0;
        }
        return taken.error();
    }
    for (size_t i = 0; i < count; ++i)
        transit(tokens[i]) = { objects[i], rights[i] };
    return {};
}

KernelObject& object_of_token(ipc::HandleToken token) { return *transit(token).object; }

Result<void> redeem_transfer_tokens(HandleTable& table, const ipc::HandleToken* tokens, size_t count, HandleValue* handles)
{
    Result<void> result;
    size_t installed = 0;
    for (size_t i = 0; i < count; ++i) {
        TransitHandle* handle = &transit(tokens[i]);
        if (result.is_ok()) {
            auto added = table.add(RefPtr<KernelObject>::adopt(*handle->object), handle->rights);
            if (added.is_ok()) {
                handles[installed++] = added.value();
            } else {
                result = added.error(); // add released the reference it adopted
            }
        } else {
            handle->object->unref();
        }
        delete handle;
    }
    if (result.is_error()) {
        for (size_t i = 0; i < installed; ++i)
            (void)table.close(handles[i]);
    }
    return result;
}

} // namespace gehri::object

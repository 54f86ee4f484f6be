#include <kernel/object/BlackboardObjects.h>
#include <new>

namespace gehri::object {

Result<RefPtr<BlackboardObject>> BlackboardObject::create()
{
    auto board = TRY(ipc::Blackboard::create());
    return adopt_ref_if_nonnull(new (std::nothrow) BlackboardObject(std::move(board)));
}

Result<RefPtr<WatchObject>> WatchObject::create(ipc::Blackboard& board, ipc::WatchScope scope, StringView pattern, uint32_t capacity)
{
    auto watch = TRY(board.watch(scope, pattern, capacity));
    return adopt_ref_if_nonnull(new (std::nothrow) WatchObject(std::move(watch)));
}

} // namespace gehri::object

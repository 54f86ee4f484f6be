#pragma once

#include <kernel/ipc/Blackboard.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// Kernel objects over the portable blackboard (kernel/ipc/Blackboard.h): the board, shared by
// whoever holds a handle to it, and a watch on it, a handle that turns readable with events.

class BlackboardObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Blackboard;
    static Result<RefPtr<BlackboardObject>> create();
    ipc::Blackboard& board() { return *m_board; }

private:
    explicit BlackboardObject(ipc::RefPtr<ipc::Blackboard> board)
        : KernelObject(object_type)
        , m_board(std::move(board))
    {
    }
    ipc::RefPtr<ipc::Blackboard> m_board;
};

class WatchObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Watch;
    static Result<RefPtr<WatchObject>> create(ipc::Blackboard& board, ipc::WatchScope scope, StringView pattern, uint32_t capacity);
    ipc::Watch& watch() { return *m_watch; }
    ipc::SignalSource* signal_source() override { return &m_watch->signal_source(); }

private:
    explicit WatchObject(OwnPtr<ipc::Watch> watch)
        : KernelObject(object_type)
        , m_watch(std::move(watch))
    {
    }
    OwnPtr<ipc::Watch> m_watch;
};

} // namespace gehri::object

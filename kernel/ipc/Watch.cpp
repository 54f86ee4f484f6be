#include <kernel/ipc/Blackboard.h>

namespace gehri::ipc {

Watch::Watch(RefPtr<Blackboard> board, WatchScope scope, PayloadRef pattern, SlotArray<WatchEvent> events)
    : m_board(std::move(board))
    , m_scope(scope)
    , m_pattern(std::move(pattern))
    , m_events(std::move(events))
    , m_signals(m_board->m_lock)
{
}

Watch::~Watch() { m_board->unregister(*this); }

bool Watch::matches(StringView key) const
{
    StringView pattern = as_string(m_pattern);
    return m_scope == WatchScope::Key ? key == pattern : key.starts_with(pattern);
}

void Watch::push_locked(const WatchEvent& event)
{
    if (m_count == m_events.size()) {
        m_overflowed = true;
        ++m_lost;
    } else {
        size_t tail = (m_head + m_count) % m_events.size();
        m_events[tail] = event;
        ++m_count;
    }
    update_signals_locked();
}

void Watch::update_signals_locked()
{
    Signals set = (m_count ? signal::readable : signal::none) | (m_overflowed ? signal::overflowed : signal::none);
    m_signals.update_locked(set, (signal::readable | signal::overflowed) & ~set);
}

Result<WatchEvent> Watch::next()
{
    size_t needed = 0;
    return next_fitting(~size_t(0), needed);
}

Result<WatchEvent> Watch::next_fitting(size_t max_key_bytes, size_t& needed)
{
    InterruptSafeGuard guard(m_board->m_lock);
    if (m_count == 0)
        return Error::WouldBlock;
    if (m_events[m_head].key->size() > max_key_bytes) {
        needed = m_events[m_head].key->size();
        return Error::BufferTooSmall;
    }
    WatchEvent event = std::move(m_events[m_head]);
    m_head = static_cast<uint32_t>((m_head + 1) % m_events.size());
    --m_count;
    update_signals_locked();
    return event;
}

bool Watch::take_overflow()
{
    InterruptSafeGuard guard(m_board->m_lock);
    bool was = m_overflowed;
    m_overflowed = false;
    update_signals_locked();
    return was;
}

uint64_t Watch::lost_events() const
{
    InterruptSafeGuard guard(m_board->m_lock);
    return m_lost;
}

uint32_t Watch::pending() const
{
    InterruptSafeGuard guard(m_board->m_lock);
    return m_count;
}

} // namespace gehri::ipc

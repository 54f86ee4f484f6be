#include <user/init/RestartBudget.h>

namespace gehri::swarm {

uint32_t RestartBudget::restarts_in_window(uint64_t now_ns) const
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < m_count; ++i) {
        uint64_t time = m_times[(m_oldest + i) % m_max];
        if (now_ns - time < m_window_ns)
            ++count;
    }
    return count;
}

bool RestartBudget::try_restart(uint64_t now_ns)
{
    if (m_max == 0)
        return false;
    if (m_count == m_max) {
        // Full: the oldest of the last m_max restarts must have left the window.
        if (now_ns - m_times[m_oldest] < m_window_ns)
            return false;
        m_times[m_oldest] = now_ns;
        m_oldest = (m_oldest + 1) % m_max;
        return true;
    }
    m_times[(m_oldest + m_count) % m_max] = now_ns;
    ++m_count;
    return true;
}

} // namespace gehri::swarm

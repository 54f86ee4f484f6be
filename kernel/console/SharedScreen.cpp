#include <kernel/arch/Cpu.h>
#include <kernel/console/SharedScreen.h>
#include <kernel/console/TextPainter.h>

namespace gehri::console {

namespace {
// As the console's own lock in panic mode: long enough for a healthy holder to finish a
// repaint, not forever (the holder may be the code that crashed).
constexpr size_t panic_lock_attempts = 1'000'000;
} // namespace

void SharedScreen::write(StringView text)
{
    if (m_console == nullptr)
        return;
    if (in_panic_mode()) {
        write_in_panic_mode(text);
        return;
    }
    InterruptSafeGuard guard(m_lock);
    m_console->write(text);
    if (m_lent && m_frozen)
        paint_banner();
}

void SharedScreen::write_in_panic_mode(StringView text)
{
    // The console writes with interrupts off in panic mode.
    bool locked = false;
    if (!__atomic_load_n(&m_lock_abandoned, __ATOMIC_RELAXED)) {
        locked = m_lock.try_lock();
        for (size_t attempt = 0; !locked && attempt < panic_lock_attempts; ++attempt) {
            arch::cpu_relax();
            locked = m_lock.try_lock();
        }
        if (!locked)
            __atomic_store_n(&m_lock_abandoned, true, __ATOMIC_RELAXED);
    }
    // The holder's picture gives way to the report; the agent no longer matters.
    m_lent = false;
    m_console->set_painting(true);
    m_console->write(text);
    if (locked)
        m_lock.unlock();
}

Result<void> SharedScreen::lend()
{
    if (m_console == nullptr)
        return Error::NotSupported;
    InterruptSafeGuard guard(m_lock);
    if (m_lent)
        return Error::Busy;
    m_lent = true;
    m_console->set_painting(false);
    if (m_frozen)
        paint_banner();
    return {};
}

void SharedScreen::take_back()
{
    if (m_console == nullptr)
        return;
    InterruptSafeGuard guard(m_lock);
    if (!m_lent)
        return;
    m_lent = false;
    m_console->set_painting(true);
}

bool SharedScreen::is_lent() const
{
    InterruptSafeGuard guard(m_lock);
    return m_lent;
}

void SharedScreen::set_frozen(bool frozen)
{
    if (m_console == nullptr)
        return;
    InterruptSafeGuard guard(m_lock);
    m_frozen = frozen;
    if (m_lent && m_frozen)
        paint_banner();
}

bool SharedScreen::is_banner_shown() const
{
    InterruptSafeGuard guard(m_lock);
    return m_lent && m_frozen;
}

uint32_t SharedScreen::banner_height() const
{
    if (m_font == nullptr)
        return 0;
    uint32_t height = 2 * m_font->height + 3 * banner_padding;
    return height < m_surface.height() ? height : m_surface.height();
}

void SharedScreen::paint_banner()
{
    uint32_t background = m_surface.pack_rgb(banner_background);
    uint32_t foreground = m_surface.pack_rgb(banner_foreground);
    m_surface.fill(0, 0, m_surface.width(), banner_height(), background);
    uint32_t x = 2 * banner_padding;
    draw_text(m_surface, *m_font, x, banner_padding, banner_title, foreground, background);
    draw_text(m_surface, *m_font, x, 2 * banner_padding + m_font->height, banner_detail, foreground, background);
}

} // namespace gehri::console

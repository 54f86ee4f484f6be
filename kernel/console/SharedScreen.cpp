#include <kernel/console/SharedScreen.h>
#include <kernel/console/TextPainter.h>

namespace gehri::console {

void SharedScreen::write(StringView text)
{
    if (m_console == nullptr)
        return;
    InterruptSafeGuard guard(m_lock);
    m_console->write(text);
    if (m_lent && m_frozen)
        paint_banner();
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

#pragma once

#include <kernel/console/BitmapFont.h>
#include <kernel/console/Console.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/console/TextConsole.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::console {

// The framebuffer as the console device that owns it, and can lend it (docs/display.md). It
// passes console text to its TextConsole; while the screen is lent to an agent the text
// console keeps its text but stops painting, and taking the screen back repaints it.
//
// Break-glass: while the system is frozen and the screen is lent, a FROZEN banner is painted
// across the top of the borrower's picture, and painted again after every console write (a
// borrower thread may still draw for up to a scheduler tick after the freeze). On resume the
// banner is simply no longer painted: the borrower's next frame covers it.
//
// A crash report takes the screen back for good: it must be seen, whoever held the screen.
//
// Thread-safe: one interrupt-safe lock, taken inside the console's (write) or alone.
class SharedScreen final : public ConsoleDevice {
public:
    static constexpr uint32_t banner_background = 0xB00000; // 0x00RRGGBB
    static constexpr uint32_t banner_foreground = 0xFFFFFF;
    static constexpr uint32_t banner_padding = 4;
    static constexpr StringView banner_title = "FROZEN";
    static constexpr StringView banner_detail = "break-glass: every agent is stopped. 'resume' or Ctrl+Alt+R lets them run.";

    // Inert until attached: writes do nothing, lend() is NotSupported.
    constexpr SharedScreen() = default;
    SharedScreen(const SharedScreen&) = delete;
    SharedScreen& operator=(const SharedScreen&) = delete;
    // Once, before the screen is added to the console: `console` draws on `surface`.
    void attach(TextConsole& console, const PixelSurface& surface, const BitmapFont& font)
    {
        m_surface = surface;
        m_font = &font;
        m_console = &console;
    }

    void write(StringView text) override;
    bool understands_escape_sequences() const override { return true; }

    // Lends the screen: the text console stops painting. Busy if it is lent already;
    // NotSupported for a screen without a console.
    Result<void> lend();
    // Takes the screen back and repaints the text console. Nothing if it is not lent.
    void take_back();
    bool is_lent() const;

    // The freeze started (true) or ended (false).
    void set_frozen(bool frozen);
    bool is_banner_shown() const;

    // The banner's height in pixels: two lines of text and padding, at most the screen's.
    uint32_t banner_height() const;

private:
    // Lock held.
    void paint_banner();
    void write_in_panic_mode(StringView text);

    TextConsole* m_console { nullptr };
    PixelSurface m_surface;
    const BitmapFont* m_font { nullptr };
    mutable Spinlock m_lock; // the fields below, and drawing
    bool m_lent { false };
    bool m_frozen { false };
    bool m_lock_abandoned { false };
};

} // namespace gehri::console

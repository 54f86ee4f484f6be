// Takes the screen (the manifest's `display` capability), draws colour bars with a line of
// text under them, logs the geometry and where the text is, checks that the screen cannot be
// taken twice, redraws a few frames (a frame counter) and exits; the kernel then gives the
// screen back to its text console. The boot test display-demo checks the picture.
//
// Argument: how many frames to draw, 100 ms apart (0: 100). Exit status: 0 done, 2 no usable
// framebuffer (NotSupported), 3 no Display right (AccessDenied), 1 anything else wrong.
#include <user/libgehri/Display.h>
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

using gehri::Display;
using gehri::println;

// 75% colour bars, left to right (the second is the one the boot test looks for).
constexpr uint32_t bar_colours[] = { 0xC0C0C0, 0xC0C000, 0x00C0C0, 0x00C000, 0xC000C0, 0xC00000, 0x0000C0, 0x000000 };
constexpr uint32_t bar_count = sizeof(bar_colours) / sizeof(bar_colours[0]);
constexpr uint32_t text_colour = 0xFFFFFF;
constexpr uint32_t strip_colour = 0x000000;
constexpr uint64_t frame_interval_ns = 100'000'000;
constexpr uint64_t default_frames = 100;

int exit_status_for(gehri::Error error)
{
    switch (error) {
    case gehri::Error::NotSupported: return 2;
    case gehri::Error::AccessDenied: return 3;
    default: return 1;
    }
}

// The bars fill the screen above a strip two text lines high; the text sits in the strip.
struct Layout {
    uint32_t bars_height;
    uint32_t text_x;
    uint32_t text_y;
};

Layout layout_of(const Display& display)
{
    uint32_t strip = 3 * display.font().height;
    uint32_t bars_height = display.height() > strip ? display.height() - strip : 0;
    return { bars_height, 2 * display.font().width, bars_height + display.font().height };
}

void draw_bars(Display& display, const Layout& layout)
{
    // One row of packed pixels, stored row after row: a memcpy each.
    constexpr uint32_t max_width = 4096;
    static uint32_t row[max_width];
    uint32_t width = display.width() < max_width ? display.width() : max_width;
    for (uint32_t x = 0; x < width; ++x)
        row[x] = display.pixel(bar_colours[static_cast<uint64_t>(x) * bar_count / width]);
    for (uint32_t y = 0; y < layout.bars_height; ++y)
        display.store_row(0, y, row, width);
    display.fill_rect(0, layout.bars_height, display.width(), display.height() - layout.bars_height, strip_colour);
}

void draw_frame(Display& display, const Layout& layout, gehri::StringView title, uint64_t frame)
{
    draw_bars(display, layout);
    uint32_t width = display.draw_text(layout.text_x, layout.text_y, title, text_colour, strip_colour);
    char counter[32];
    gehri::BufferSink sink(counter, sizeof(counter));
    gehri::format_to(sink, "  frame {}", frame);
    display.draw_text(layout.text_x + width, layout.text_y, sink.view(), text_colour, strip_colour);
}

// Bad out pointers fail and leave the screen free (a pointer the kernel can only find bad
// while copying the answer out gives the screen back first). True if all of them did.
bool bad_pointers_are_refused(gehri::Agent& self)
{
    using gehri::abi::Syscall;
    struct Case {
        const char* what;
        uint64_t pointer;
    };
    const Case cases[] = {
        { "null", 0 },
        { "a kernel address", 0xffffffff80000000 },
        { "a non-canonical address", 0x0000800000000000 },
        { "its own code (read-only)", reinterpret_cast<uint64_t>(&exit_status_for) },
    };
    auto acquire_into = [&](uint64_t pointer) { return gehri::system::raw::syscall3(Syscall::DisplayAcquire, self.handle().value(), pointer); };
    // Without the right every call is AccessDenied, pointer or not: the real acquire says so.
    if (acquire_into(0) == gehri::abi::encode_error(gehri::Error::AccessDenied))
        return true;
    bool all_refused = true;
    for (const Case& c : cases) {
        int64_t result = acquire_into(c.pointer);
        bool refused = result == gehri::abi::encode_error(gehri::Error::BadAddress) || result == gehri::abi::encode_error(gehri::Error::NotSupported);
        if (!refused) {
            println("display-demo: FAIL: display_acquire into {} gave {}, expected BadAddress", c.what, result);
            all_refused = false;
        }
    }
    return all_refused;
}

} // namespace

int main(gehri::Agent& self)
{
    if (!bad_pointers_are_refused(self))
        return 1;
    auto acquired = Display::acquire(self);
    if (acquired.is_error()) {
        println("display-demo: cannot take the screen ({})", gehri::error_name(acquired.error()));
        return exit_status_for(acquired.error());
    }
    Display display = acquired.release_value();
    const auto& info = display.info();
    println("display-demo: screen {}x{}, pitch {} bytes, {} bits, red/green/blue at bits {}/{}/{}, {} bytes mapped", display.width(),
        display.height(), info.pitch, info.bits_per_pixel, info.red_shift, info.green_shift, info.blue_shift, info.size);

    auto second = Display::acquire(self);
    if (second.is_ok() || second.error() != gehri::Error::Busy) {
        println("display-demo: FAIL: a second acquire gave {}, expected Busy", second.is_ok() ? "the screen" : gehri::error_name(second.error()));
        return 1;
    }
    println("display-demo: a second acquire is Busy");

    Layout layout = layout_of(display);
    char title[64];
    gehri::BufferSink title_sink(title, sizeof(title));
    gehri::format_to(title_sink, "Gehri display-demo {}x{}", display.width(), display.height());
    gehri::StringView title_text = title_sink.view();

    uint64_t frames = self.argument() != 0 ? self.argument() : default_frames;
    for (uint64_t frame = 1; frame <= frames; ++frame) {
        draw_frame(display, layout, title_text, frame);
        if (frame == 1)
            println("display-demo: drawn; '{}' at ({},{}), bar 2 at ({},{})", title_text, layout.text_x, layout.text_y,
                display.width() * 3 / (2 * bar_count), layout.bars_height / 2);
        if (frame < frames)
            (void)gehri::system::sleep_ns(frame_interval_ns);
    }
    println("display-demo: {} frames drawn; exiting gives the screen back", frames);
    return 0;
}

#include <kernel/console/FramebufferConsole.h>
#include <kernel/display/Display.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/log/Log.h>

namespace gehri::display {

namespace {

// Held across the whole hand-over (mapping, lending, taking back), so a screen given back by
// one agent can never be claimed by another before the console has it again.
constinit Spinlock s_lock;
object::AgentId s_holder = 0;

struct FramebufferPages {
    mm::PhysicalAddress base; // page-aligned
    uint64_t offset; // of the first pixel from base
    uint64_t size; // bytes from base, a page multiple
};

FramebufferPages pages_of(const boot::Framebuffer& framebuffer)
{
    mm::PhysicalAddress base = mm::align_down(framebuffer.physical_address, mm::page_size);
    uint64_t offset = framebuffer.physical_address - base;
    uint64_t bytes = static_cast<uint64_t>(framebuffer.pitch) * framebuffer.height;
    return { base, offset, mm::align_up(offset + bytes, mm::page_size) };
}

} // namespace

Result<Acquired> acquire(object::Agent& agent, mm::VirtualAddress low, mm::VirtualAddress high)
{
    console::SharedScreen* screen = console::shared_screen();
    const boot::Framebuffer* framebuffer = console::shared_framebuffer();
    if (screen == nullptr || framebuffer == nullptr)
        return Error::NotSupported;
    FramebufferPages pages = pages_of(*framebuffer);
    Acquired acquired {};
    {
        InterruptSafeGuard guard(s_lock);
        if (s_holder != 0)
            return Error::Busy;
        auto& memory = agent.memory();
        mm::VirtualAddress start = TRY(memory.find_free_range(pages.size, low, high));
        TRY(memory.map_device(start, pages.base, pages.size, mm::PageFlags::Writable | mm::PageFlags::NoExecute));
        if (auto lent = screen->lend(); lent.is_error()) {
            (void)memory.unmap_region(start, start + pages.size);
            return lent.error();
        }
        s_holder = agent.id();
        acquired.address = start + pages.offset;
    }
    acquired.info = {
        .width = framebuffer->width,
        .height = framebuffer->height,
        .pitch = framebuffer->pitch,
        .bits_per_pixel = framebuffer->bits_per_pixel,
        .red_shift = framebuffer->red_shift,
        .green_shift = framebuffer->green_shift,
        .blue_shift = framebuffer->blue_shift,
        .size = pages.size - pages.offset,
    };
    log::info("display: agent {} ({}) has the screen, {}x{}", agent.id(), agent.name(), framebuffer->width, framebuffer->height);
    return acquired;
}

void give_back(object::Agent& agent, const Acquired& acquired)
{
    console::SharedScreen* screen = console::shared_screen();
    const boot::Framebuffer* framebuffer = console::shared_framebuffer();
    if (screen == nullptr || framebuffer == nullptr)
        return;
    FramebufferPages pages = pages_of(*framebuffer);
    InterruptSafeGuard guard(s_lock);
    if (s_holder != agent.id())
        return;
    mm::VirtualAddress start = acquired.address - pages.offset;
    (void)agent.memory().unmap_region(start, start + pages.size);
    s_holder = 0;
    screen->take_back();
    log::info("display: agent {} could not be told where the screen is (bad pointer); the console has it again", agent.id());
}

void agent_exited(object::AgentId agent)
{
    {
        InterruptSafeGuard guard(s_lock);
        if (agent == 0 || s_holder != agent)
            return;
        s_holder = 0;
        // The agent's address space is released already: nothing can draw any more.
        if (console::SharedScreen* screen = console::shared_screen())
            screen->take_back();
    }
    log::info("display: agent {} has ended; the console has the screen again", agent);
}

void set_frozen(bool frozen)
{
    if (console::SharedScreen* screen = console::shared_screen())
        screen->set_frozen(frozen);
}

object::AgentId holder()
{
    InterruptSafeGuard guard(s_lock);
    return s_holder;
}

} // namespace gehri::display

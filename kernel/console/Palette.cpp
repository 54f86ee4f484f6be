#include <kernel/console/Palette.h>

namespace gehri::console {

uint8_t nearest_palette_index(Rgb colour)
{
    uint8_t best = 0;
    uint32_t best_distance = ~0u;
    for (uint8_t i = 0; i < 16; ++i) {
        int dr = colour.red - ansi_palette[i].red;
        int dg = colour.green - ansi_palette[i].green;
        int db = colour.blue - ansi_palette[i].blue;
        uint32_t distance = static_cast<uint32_t>(dr * dr + dg * dg + db * db);
        if (distance < best_distance) {
            best_distance = distance;
            best = i;
        }
    }
    return best;
}

Rgb xterm_256_colour(uint8_t index)
{
    if (index < 16)
        return ansi_palette[index];
    if (index >= 232) {
        auto grey = static_cast<uint8_t>(8 + (index - 232) * 10);
        return { grey, grey, grey };
    }
    constexpr uint8_t levels[6] = { 0, 95, 135, 175, 215, 255 };
    uint8_t cube = index - 16;
    return { levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6] };
}

} // namespace gehri::console

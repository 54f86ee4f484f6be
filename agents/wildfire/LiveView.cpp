#include "LiveView.h"

namespace gehri::wildfire {

namespace {

constexpr uint32_t background = 0x101418;
constexpr uint32_t text_colour = 0xe0e0e0;
constexpr uint32_t title_colour = 0xffd020;
constexpr uint32_t alarm_colour = 0xff6060;
constexpr uint32_t lease_colour = 0xffff00;
constexpr uint32_t margin = 8;
constexpr uint32_t panel_min_width = 300;
constexpr uint32_t quarantine_lines = 10;

template<typename T>
Result<Span<T>> map_array(size_t count)
{
    size_t bytes = (count * sizeof(T) + 4095) & ~size_t(4095);
    void* memory = TRY(system::memory_map(bytes));
    return Span<T>(static_cast<T*>(memory), count);
}

} // namespace

Result<LiveView> LiveView::open(Agent& self, const ScenarioConfig& config)
{
    Display display = TRY(Display::acquire(self));
    int32_t width = config.world.width;
    int32_t height = config.world.height;
    int32_t room_x = static_cast<int32_t>(display.width()) - static_cast<int32_t>(panel_min_width + 2 * margin);
    int32_t room_y = static_cast<int32_t>(display.height()) - static_cast<int32_t>(2 * margin);
    int32_t scale = minimum(room_x / width, room_y / height);
    if (scale < 1)
        return Error::OutOfRange; // the screen is smaller than the map
    auto pixels = TRY(map_array<uint32_t>(static_cast<size_t>(width) * height));
    auto row = TRY(map_array<uint32_t>(static_cast<size_t>(width) * scale));
    auto markers = TRY(map_array<Marker>(config.drones));
    return LiveView(display, pixels, row, markers, scale, static_cast<uint32_t>(width), static_cast<uint32_t>(height));
}

LiveView::LiveView(Display display, Span<uint32_t> map_pixels, Span<uint32_t> row, Span<Marker> markers, int32_t scale, uint32_t map_width, uint32_t map_height)
    : m_display(display)
    , m_map_pixels(map_pixels)
    , m_row(row)
    , m_markers(markers)
    , m_scale(scale)
    , m_panel_x(margin + map_width * static_cast<uint32_t>(scale) + 2 * margin)
    , m_map_height(map_height)
{
    m_display.clear(background);
}

void LiveView::draw(const Scenario& scenario, const AgentFleet& fleet, const LiveRates& rates, uint32_t drones_up, const Journal& journal)
{
    draw_map(scenario);
    draw_leases(scenario);
    draw_panel(scenario, fleet, rates, drones_up);
    draw_journal(journal);
    ++m_frames;
}

void LiveView::draw_map(const Scenario& scenario)
{
    MapView map = scenario.world().view();
    size_t marker_count = scenario.markers(m_markers);
    PixelTarget target { m_map_pixels, static_cast<uint32_t>(map.width), static_cast<uint32_t>(map.height), static_cast<uint32_t>(map.width) };
    if (render_rgb(map, m_markers.first(marker_count), 1, target).is_error())
        return;
    // Each map row becomes `scale` screen rows of `scale`-wide blocks, converted once.
    for (int32_t y = 0; y < map.height; ++y) {
        const uint32_t* source = &m_map_pixels[static_cast<size_t>(y) * static_cast<size_t>(map.width)];
        size_t out = 0;
        for (int32_t x = 0; x < map.width; ++x) {
            uint32_t packed = m_display.pixel(source[x]);
            for (int32_t k = 0; k < m_scale; ++k)
                m_row[out++] = packed;
        }
        for (int32_t k = 0; k < m_scale; ++k)
            m_display.store_row(margin, margin + static_cast<uint32_t>(y * m_scale + k), m_row.data(), static_cast<uint32_t>(out));
    }
}

// A yellow outline around every sector that drones hold a lease on.
void LiveView::draw_leases(const Scenario& scenario)
{
    const SectorGrid& grid = scenario.grid();
    Span<const uint32_t> assigned = scenario.sector_assignments();
    for (uint32_t sector = 0; sector < grid.count() && sector < assigned.size(); ++sector) {
        if (assigned[sector] == 0)
            continue;
        Rect area = grid.area(sector);
        uint32_t x0 = margin + static_cast<uint32_t>(area.x0 * m_scale);
        uint32_t y0 = margin + static_cast<uint32_t>(area.y0 * m_scale);
        uint32_t w = static_cast<uint32_t>(area.width() * m_scale);
        uint32_t h = static_cast<uint32_t>(area.height() * m_scale);
        m_display.fill_rect(x0, y0, w, 1, lease_colour);
        m_display.fill_rect(x0, y0 + h - 1, w, 1, lease_colour);
        m_display.fill_rect(x0, y0, 1, h, lease_colour);
        m_display.fill_rect(x0 + w - 1, y0, 1, h, lease_colour);
    }
}

// Each line paints its whole row and the gap under it: lines move as the quarantine list grows.
uint32_t LiveView::line(uint32_t y, StringView text, uint32_t colour)
{
    uint32_t width = m_display.width() > m_panel_x ? m_display.width() - m_panel_x : 0;
    m_display.fill_rect(m_panel_x, y, width, m_display.font().height + 2, background);
    m_display.draw_text(m_panel_x, y, text, colour, background);
    return y + m_display.font().height + 2;
}

uint32_t LiveView::gap(uint32_t y)
{
    uint32_t width = m_display.width() > m_panel_x ? m_display.width() - m_panel_x : 0;
    m_display.fill_rect(m_panel_x, y, width, 6, background);
    return y + 6;
}

void LiveView::draw_panel(const Scenario& scenario, const AgentFleet& fleet, const LiveRates& rates, uint32_t drones_up)
{
    ScenarioReport report = scenario.report();
    char text[96];
    auto print = [&](uint32_t y, uint32_t colour, StringView format, auto... args) {
        BufferSink sink(text, sizeof(text));
        format_to(sink, format, args...);
        return line(y, StringView(text, sink.length()), colour);
    };
    uint32_t y = margin;
    y = print(y, title_colour, "GEHRI  wildfire swarm");
    y = print(y, text_colour, "each drone is an agent: its own process");
    y = gap(y);
    y = print(y, text_colour, "tick {}   {}.{} ticks/s", report.ticks, rates.ticks_per_second_x10 / 10, rates.ticks_per_second_x10 % 10);
    y = print(y, text_colour, "drone agents up  {}/{}", drones_up, static_cast<uint32_t>(scenario.drones().size()));
    y = print(y, text_colour, "agents started   {}", fleet.spawned());
    y = print(y, text_colour, "crashes {}  restarts {}", report.crashes, report.restarts);
    y = gap(y);
    y = print(y, report.burning_cells ? alarm_colour : text_colour, "fire: {} burning", report.burning_cells);
    y = print(y, text_colour, "burned {}  wetted {}", report.burned_cells, report.suppressed_cells);
    y = print(y, report.villages_lost ? alarm_colour : text_colour, "villages lost {}/{}", report.villages_lost, report.villages);
    if (report.contained)
        y = print(y, title_colour, "CONTAINED at tick {}", report.containment_tick);
    else
        y = line(y, "", text_colour);
    y = gap(y);
    y = print(y, text_colour, "messages/s   {}", rates.messages_per_second);
    y = print(y, text_colour, "decisions/s  {}", rates.decisions_per_second);
    y = print(y, text_colour, "auctions {}  votes {}", report.decisions.auctions, report.decisions.votes);
    if (report.priority_village != no_village)
        y = print(y, text_colour, "defend village {} first", report.priority_village);
    else
        y = line(y, "", text_colour);
    y = gap(y);
    y = print(y, report.rogues_quarantined ? alarm_colour : text_colour, "quarantined {}  (rogues {}/{})",
        report.rogues_quarantined + report.honest_quarantined, report.rogues_quarantined, report.rogues);
    // A fixed block of lines, so that nothing below moves as the list grows.
    uint32_t listed = 0;
    for (uint32_t i = 0; i < scenario.drones().size() && listed < quarantine_lines; ++i) {
        if (!scenario.is_quarantined(i))
            continue;
        y = print(y, alarm_colour, "  drone-{} (agent {})", i, fleet.agent_id(i));
        ++listed;
    }
    for (; listed < quarantine_lines; ++listed)
        y = line(y, "", text_colour);
    y = gap(y);
    y = print(y, 0x00ffff, "o drone");
    y = print(y, 0xff00ff, "o rogue, not yet caught");
    y = print(y, 0xff80ff, "o quarantined");
    y = print(y, lease_colour, "[] sector under lease");
    y = gap(y);
    y = print(y, text_colour, "Ctrl+Alt+F freezes the swarm,");
    y = print(y, text_colour, "Ctrl+Alt+R resumes it");
}

} // namespace gehri::wildfire

namespace gehri::wildfire {

// The latest decisions, under the map.
void LiveView::draw_journal(const Journal& journal)
{
    uint32_t y = margin + m_map_height * static_cast<uint32_t>(m_scale) + margin;
    uint32_t height = m_display.font().height + 2;
    for (size_t i = 0; i < Journal::capacity && y + height <= m_display.height(); ++i, y += height) {
        m_display.fill_rect(margin, y, m_panel_x > margin ? m_panel_x - margin : 0, height, background);
        StringView entry = journal.entry(i);
        size_t fits = m_panel_x > 2 * margin ? (m_panel_x - 2 * margin) / m_display.font().width : 0;
        entry = entry.substring(0, fits);
        if (!entry.is_empty())
            m_display.draw_text(margin, y, entry, i == 0 ? title_colour : text_colour, background);
    }
}

} // namespace gehri::wildfire

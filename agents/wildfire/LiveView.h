#pragma once

#include "AgentFleet.h"
#include "Journal.h"
#include <user/libgehri/Display.h>
#include <user/wildfire/ReportText.h>
#include <user/wildfire/Scenario.h>

namespace gehri::wildfire {

// The demo on the screen: the map (terrain, fire, wetted firebreaks, villages), every drone as
// a dot (cyan; magenta a rogue not yet caught; pink a quarantined one), the sectors drones hold
// leases on, and a panel with the swarm's numbers. Draws into a buffer in the framebuffer's
// own format, a row at a time.
class LiveView {
public:
    // Takes the screen; fails (and the demo runs headless) without a framebuffer or the right.
    static Result<LiveView> open(Agent& self, const ScenarioConfig& config);

    // Where the panel starts and how big a map cell is drawn (for the log and the screen test).
    uint32_t panel_x() const { return m_panel_x; }
    int32_t scale() const { return m_scale; }

    void draw(const Scenario& scenario, const AgentFleet& fleet, const LiveRates& rates, uint32_t drones_up, const Journal& journal);

private:
    LiveView(Display display, Span<uint32_t> map_pixels, Span<uint32_t> row, Span<Marker> markers, int32_t scale, uint32_t map_width, uint32_t map_height);
    void draw_map(const Scenario& scenario);
    void draw_leases(const Scenario& scenario);
    void draw_panel(const Scenario& scenario, const AgentFleet& fleet, const LiveRates& rates, uint32_t drones_up);
    void draw_journal(const Journal& journal);
    uint32_t line(uint32_t y, StringView text, uint32_t colour);
    uint32_t gap(uint32_t y);

    Display m_display;
    Span<uint32_t> m_map_pixels; // the map at one pixel per cell, 0x00RRGGBB
    Span<uint32_t> m_row;        // one scaled screen row, in the framebuffer's format
    Span<Marker> m_markers;
    int32_t m_scale;
    uint32_t m_panel_x { 0 };
    uint32_t m_map_height { 0 };
    uint64_t m_frames { 0 };
};

} // namespace gehri::wildfire

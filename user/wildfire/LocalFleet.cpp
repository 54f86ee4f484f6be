#include <user/wildfire/LocalFleet.h>
#include <utility>

namespace gehri::wildfire {

LocalFleet::LocalFleet(Arena& arena, uint32_t drones, size_t window_cells, const MindSettings& settings)
    : m_slots(arena.take<Slot>(drones))
    , m_reports(arena.take<Observation>(static_cast<size_t>(drones) * window_cells))
    , m_window_cells(window_cells)
    , m_settings(settings)
{
}

Result<LocalFleet::Slot*> LocalFleet::live(uint32_t drone)
{
    if (drone >= m_slots.size() || !m_slots[drone].alive)
        return Error::NotFound;
    return &m_slots[drone];
}

Result<void> LocalFleet::start(uint32_t drone, const Drone& state)
{
    if (drone >= m_slots.size())
        return Error::OutOfRange;
    Slot& slot = m_slots[drone];
    slot.mind = DroneMind(state, m_settings, m_reports.slice(static_cast<size_t>(drone) * m_window_cells, m_window_cells));
    slot.alive = true;
    slot.report_count = 0;
    return {};
}

Result<void> LocalFleet::stop(uint32_t drone)
{
    Slot* slot = TRY(live(drone));
    slot->alive = false;
    return {};
}

Result<void> LocalFleet::post_sense(uint32_t drone, uint64_t, Span<const Observation> seen)
{
    Slot* slot = TRY(live(drone));
    // The mind keeps its report; collect_sense copies it out.
    Span<Observation> own = m_reports.slice(static_cast<size_t>(drone) * m_window_cells, m_window_cells);
    slot->report_count = slot->mind.sense(seen, own);
    return {};
}

Result<uint32_t> LocalFleet::collect_sense(uint32_t drone, Span<Observation> report)
{
    Slot* slot = TRY(live(drone));
    if (report.size() < slot->report_count)
        return Error::BufferTooSmall;
    Span<const Observation> own = m_reports.slice(static_cast<size_t>(drone) * m_window_cells, slot->report_count);
    for (uint32_t i = 0; i < slot->report_count; ++i)
        report[i] = own[i];
    return slot->report_count;
}

Result<void> LocalFleet::post_offer(uint32_t drone, const OfferRequest& request)
{
    Slot* slot = TRY(live(drone));
    slot->offer = slot->mind.offer(request);
    return {};
}

Result<OfferReply> LocalFleet::collect_offer(uint32_t drone)
{
    Slot* slot = TRY(live(drone));
    return std::move(slot->offer);
}

Result<void> LocalFleet::post_act(uint32_t drone, const ActRequest& request)
{
    Slot* slot = TRY(live(drone));
    slot->act = slot->mind.act(request);
    return {};
}

Result<ActReply> LocalFleet::collect_act(uint32_t drone)
{
    Slot* slot = TRY(live(drone));
    return std::move(slot->act);
}

Result<void> LocalFleet::post_ballot(uint32_t drone, const BallotRequest& request)
{
    Slot* slot = TRY(live(drone));
    slot->ballot = slot->mind.ballot(request);
    return {};
}

Result<BallotReply> LocalFleet::collect_ballot(uint32_t drone)
{
    Slot* slot = TRY(live(drone));
    return std::move(slot->ballot);
}

} // namespace gehri::wildfire

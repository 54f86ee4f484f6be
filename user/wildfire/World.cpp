#include <user/wildfire/World.h>

namespace gehri::wildfire {

namespace {

// Value noise: random bytes on a lattice, bilinearly interpolated, two octaves. Integer only.
uint32_t lattice_value(uint64_t seed, int32_t gx, int32_t gy, uint64_t octave)
{
    return static_cast<uint32_t>(event_hash(seed, static_cast<uint32_t>(gx), static_cast<uint32_t>(gy), octave) & 255);
}

uint32_t noise(uint64_t seed, int32_t x, int32_t y, int32_t spacing, uint64_t octave)
{
    int32_t gx = x / spacing;
    int32_t gy = y / spacing;
    uint32_t fx = static_cast<uint32_t>(x % spacing);
    uint32_t fy = static_cast<uint32_t>(y % spacing);
    uint32_t s = static_cast<uint32_t>(spacing);
    uint32_t top = lattice_value(seed, gx, gy, octave) * (s - fx) + lattice_value(seed, gx + 1, gy, octave) * fx;
    uint32_t bottom = lattice_value(seed, gx, gy + 1, octave) * (s - fx) + lattice_value(seed, gx + 1, gy + 1, octave) * fx;
    return (top * (s - fy) + bottom * fy) / (s * s);
}

Cell terrain_cell(uint64_t seed, int32_t x, int32_t y)
{
    uint32_t height = (noise(seed, x, y, 32, 1) * 3 + noise(seed, x, y, 8, 2)) / 4;
    uint32_t jitter = static_cast<uint32_t>(event_hash(seed, static_cast<uint32_t>(x), static_cast<uint32_t>(y), 3) % 64);
    if (height < 72)
        return { Terrain::Water, FireState::Unburnt, 0, 0 };
    if (height >= 190)
        return { Terrain::Rock, FireState::Unburnt, 0, 0 };
    if (height < 105)
        return { Terrain::Grass, FireState::Unburnt, static_cast<uint8_t>(60 + jitter), 0 };
    if (height < 145)
        return { Terrain::Brush, FireState::Unburnt, static_cast<uint8_t>(120 + jitter), 0 };
    return { Terrain::Forest, FireState::Unburnt, static_cast<uint8_t>(180 + jitter), 0 };
}

// How readily each terrain carries fire, Q8 (256 = brush).
uint32_t terrain_factor(Terrain terrain)
{
    switch (terrain) {
    case Terrain::Grass: return 320;
    case Terrain::Brush: return 256;
    case Terrain::Forest: return 200;
    case Terrain::Village: return 230;
    default: return 0;
    }
}

// Wind effect per unit of strength, Q8, by the angle between spread and wind (0 = downwind).
constexpr int32_t wind_gain[5] = { 128, 64, 0, -26, -38 };
constexpr uint8_t village_fuel = 140;
constexpr int32_t village_spacing = 24;
constexpr int32_t village_base_spacing = 8;

} // namespace

size_t World::cells_needed(const WorldConfig& config)
{
    if (config.width < min_side || config.height < min_side || config.width > max_side || config.height > max_side)
        return 0;
    return static_cast<size_t>(config.width) * static_cast<size_t>(config.height);
}

Result<World> World::create(const WorldConfig& config, Span<Cell> storage)
{
    size_t needed = cells_needed(config);
    if (needed == 0 || config.village_count > max_villages || config.initial_wind.strength > max_wind_strength)
        return Error::InvalidArgument;
    if (storage.size() < needed)
        return Error::OutOfRange;
    World world(config, storage.first(needed));
    world.generate();
    return world;
}

void World::generate()
{
    for (int32_t y = 0; y < m_config.height; ++y) {
        for (int32_t x = 0; x < m_config.width; ++x)
            cell({ x, y }) = terrain_cell(m_config.seed, x, y);
    }
    Random placement = Random::for_stream(m_config.seed, 0x706c616365ull);
    place_bases();
    place_ignition(placement);
    place_villages(placement);
    if (!m_config.place_ignition)
        return;
    // A single burning cell often dies before it spreads; the seed fire is a small cross.
    (void)ignite(m_ignition);
    for (uint32_t d = 0; d < direction_count; d += 2) {
        Point v = direction_vector(static_cast<Direction>(d));
        Point n { m_ignition.x + v.x, m_ignition.y + v.y };
        if (view().contains(n) && at(n).is_flammable() && at(n).terrain != Terrain::Village)
            (void)ignite(n);
    }
}

void World::place_bases()
{
    int32_t w = m_config.width;
    int32_t h = m_config.height;
    const Point corners[base_count] = { { w / 4, h / 4 }, { 3 * w / 4, h / 4 }, { w / 4, 3 * h / 4 }, { 3 * w / 4, 3 * h / 4 } };
    for (uint32_t i = 0; i < base_count; ++i) {
        m_bases[i] = corners[i];
        for (int32_t dy = -1; dy <= 1; ++dy) {
            for (int32_t dx = -1; dx <= 1; ++dx)
                cell({ corners[i].x + dx, corners[i].y + dy }) = { Terrain::Base, FireState::Unburnt, 0, 0 };
        }
    }
}

void World::place_ignition(Random& random)
{
    int32_t w = m_config.width;
    int32_t h = m_config.height;
    m_ignition = { w / 2, h / 2 };
    for (int attempt = 0; attempt < 1000; ++attempt) {
        Point p { random.between(w / 4, 3 * w / 4 - 1), random.between(h / 4, 3 * h / 4 - 1) };
        const Cell& c = at(p);
        if (c.is_flammable() && c.terrain != Terrain::Village && c.fuel >= 100) {
            m_ignition = p;
            return;
        }
    }
}

void World::place_villages(Random& random)
{
    int32_t w = m_config.width;
    int32_t h = m_config.height;
    for (int attempt = 0; attempt < 4000 && m_village_count < m_config.village_count; ++attempt) {
        Point p { random.between(2, w - 3), random.between(2, h - 3) };
        bool fits = distance(p, m_ignition) >= m_config.village_min_distance && at(p).terrain != Terrain::Water;
        for (uint32_t i = 0; i < m_village_count && fits; ++i)
            fits = distance(p, m_villages[i].centre) >= village_spacing;
        for (uint32_t i = 0; i < base_count && fits; ++i)
            fits = distance(p, m_bases[i]) >= village_base_spacing;
        if (!fits)
            continue;
        m_villages[m_village_count++] = { p, 0, false };
        for (int32_t dy = -1; dy <= 1; ++dy) {
            for (int32_t dx = -1; dx <= 1; ++dx)
                cell({ p.x + dx, p.y + dy }) = { Terrain::Village, FireState::Unburnt, village_fuel, 0 };
        }
    }
}

Result<void> World::ignite(Point at)
{
    if (!view().contains(at))
        return Error::OutOfRange;
    Cell& c = cell(at);
    if (!c.is_flammable())
        return Error::InvalidArgument;
    c.fire = FireState::Burning;
    c.intensity = c.fuel;
    ++m_burning;
    include_in_fire_box(at);
    return {};
}

void World::include_in_fire_box(Point p)
{
    if (m_fire_box.is_empty()) {
        m_fire_box = { p.x, p.y, p.x + 1, p.y + 1 };
        return;
    }
    m_fire_box = { minimum(m_fire_box.x0, p.x), minimum(m_fire_box.y0, p.y), maximum(m_fire_box.x1, p.x + 1), maximum(m_fire_box.y1, p.y + 1) };
}

Probability World::spread_probability(const Cell& target, Direction direction) const
{
    if (!target.is_flammable())
        return 0;
    uint64_t p = static_cast<uint64_t>(m_config.spread) * target.fuel / 255;
    p = p * terrain_factor(target.terrain) / 256;
    int32_t wind = 256 + wind_gain[angle_between(direction, m_wind.toward)] * m_wind.strength;
    p = p * static_cast<uint64_t>(maximum(wind, 32)) / 256;
    if (static_cast<uint32_t>(direction) % 2 == 1)
        p = p * 181 / 256; // a diagonal neighbour is sqrt(2) away
    return p >= probability_one ? probability_one - 1 : static_cast<Probability>(p);
}

// A cell ignited during this tick is marked Burning with intensity 0 and only starts to spread
// (and burn) on the next tick, so the result does not depend on the scan order.
void World::spread_fire()
{
    for (int32_t y = m_fire_box.y0; y < m_fire_box.y1; ++y) {
        for (int32_t x = m_fire_box.x0; x < m_fire_box.x1; ++x) {
            const Cell& source = at({ x, y });
            if (!source.is_burning() || source.intensity == 0)
                continue;
            for (uint32_t d = 0; d < direction_count; ++d) {
                Point v = direction_vector(static_cast<Direction>(d));
                Point n { x + v.x, y + v.y };
                if (!view().contains(n))
                    continue;
                Cell& target = cell(n);
                Probability p = spread_probability(target, static_cast<Direction>(d));
                if (p == 0 || !event_chance(p, m_config.seed, m_tick, view().index_of(n), d))
                    continue;
                target.fire = FireState::Burning;
                target.intensity = 0;
            }
        }
    }
}

void World::burn_down()
{
    Rect area = Rect { m_fire_box.x0 - 1, m_fire_box.y0 - 1, m_fire_box.x1 + 1, m_fire_box.y1 + 1 }.intersect(view().bounds());
    m_fire_box = {};
    m_burning = 0;
    for (int32_t y = area.y0; y < area.y1; ++y) {
        for (int32_t x = area.x0; x < area.x1; ++x) {
            Cell& c = cell({ x, y });
            if (!c.is_burning())
                continue;
            if (c.intensity == 0) {
                c.intensity = c.fuel;
            } else if (c.intensity > m_config.burn_rate) {
                c.intensity = static_cast<uint8_t>(c.intensity - m_config.burn_rate);
            } else {
                c = { c.terrain, FireState::Burnt, 0, 0 };
                continue;
            }
            ++m_burning;
            include_in_fire_box({ x, y });
        }
    }
}

void World::update_villages()
{
    for (uint32_t i = 0; i < m_village_count; ++i) {
        Village& village = m_villages[i];
        uint16_t burned = 0;
        for (int32_t dy = -1; dy <= 1; ++dy) {
            for (int32_t dx = -1; dx <= 1; ++dx) {
                FireState fire = at({ village.centre.x + dx, village.centre.y + dy }).fire;
                if (fire == FireState::Burning || fire == FireState::Burnt)
                    ++burned;
            }
        }
        village.cells_burned = burned;
        if (burned >= m_config.village_lost_threshold)
            village.lost = true;
    }
}

void World::change_wind()
{
    if (m_config.wind_period == 0 || m_tick % m_config.wind_period != 0)
        return;
    switch (m_weather.below(4)) {
    case 0: m_wind.toward = rotate(m_wind.toward, -1); break;
    case 1: m_wind.toward = rotate(m_wind.toward, 1); break;
    case 2:
        if (m_weather.below(2) == 0) {
            if (m_wind.strength > 0)
                --m_wind.strength;
        } else if (m_wind.strength < max_wind_strength) {
            ++m_wind.strength;
        }
        break;
    default: break;
    }
}

void World::step()
{
    if (m_burning > 0)
        spread_fire();
    burn_down();
    update_villages();
    ++m_tick;
    change_wind();
}

Result<bool> World::suppress(Point at, uint8_t power)
{
    if (!view().contains(at))
        return Error::OutOfRange;
    Cell& c = cell(at);
    if (c.is_burning()) {
        if (c.intensity > power) {
            c.intensity = static_cast<uint8_t>(c.intensity - power);
            return true;
        }
        c.fire = FireState::Suppressed;
        c.intensity = 0;
        --m_burning;
        return true;
    }
    if (c.is_flammable()) {
        c.fire = FireState::Suppressed;
        return true;
    }
    return false;
}

Result<size_t> World::observe(Point centre, int32_t radius, Span<Observation> out) const
{
    Rect area = observed_area(centre, radius < 0 ? 0 : radius, m_config.width, m_config.height);
    size_t count = static_cast<size_t>(area.width()) * static_cast<size_t>(area.height());
    if (out.size() < count)
        return Error::OutOfRange;
    size_t i = 0;
    for (int32_t y = area.y0; y < area.y1; ++y) {
        for (int32_t x = area.x0; x < area.x1; ++x) {
            const Cell& c = at({ x, y });
            out[i++] = { static_cast<int16_t>(x), static_cast<int16_t>(y), c.fire, c.intensity, c.fuel };
        }
    }
    return count;
}

bool World::is_contained() const
{
    for (int32_t y = m_fire_box.y0; y < m_fire_box.y1; ++y) {
        for (int32_t x = m_fire_box.x0; x < m_fire_box.x1; ++x) {
            if (view().is_front({ x, y }))
                return false;
        }
    }
    return true;
}

WorldStats World::stats() const
{
    WorldStats stats;
    for (const Cell& c : m_cells) {
        stats.burning += c.fire == FireState::Burning;
        stats.burnt += c.fire == FireState::Burnt;
        stats.suppressed += c.fire == FireState::Suppressed;
    }
    for (uint32_t i = 0; i < m_village_count; ++i)
        stats.villages_lost += m_villages[i].lost;
    return stats;
}

Point World::nearest_base(Point from) const
{
    Point best = m_bases[0];
    for (uint32_t i = 1; i < base_count; ++i) {
        if (distance(from, m_bases[i]) < distance(from, best))
            best = m_bases[i];
    }
    return best;
}

uint64_t World::digest() const
{
    uint64_t h = mix64(m_tick ^ (static_cast<uint64_t>(m_wind.toward) << 40) ^ (static_cast<uint64_t>(m_wind.strength) << 48));
    for (size_t i = 0; i < m_cells.size(); ++i) {
        const Cell& c = m_cells[i];
        uint64_t packed = static_cast<uint64_t>(c.terrain) | static_cast<uint64_t>(c.fire) << 8 | static_cast<uint64_t>(c.fuel) << 16 | static_cast<uint64_t>(c.intensity) << 24;
        h = mix64(h ^ packed ^ (static_cast<uint64_t>(i) << 32));
    }
    for (uint32_t i = 0; i < m_village_count; ++i)
        h = mix64(h ^ static_cast<uint64_t>(m_villages[i].cells_burned) ^ (static_cast<uint64_t>(m_villages[i].lost) << 20));
    return h;
}

} // namespace gehri::wildfire

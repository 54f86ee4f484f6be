#include <kernel/lib/Sort.h>
#include <user/wildfire/Coordinator.h>
#include <user/wildfire/Random.h>

namespace gehri::wildfire {

using namespace collective;

Result<size_t> auction_sectors(Span<const SectorDemand> demands, Span<SectorBid> bids, uint64_t max_cost, AuctionScratch scratch, Span<SectorAward> out)
{
    heap_sort(bids, [](const SectorBid& a, const SectorBid& b) {
        if (a.sector != b.sector)
            return a.sector < b.sector;
        return a.drone < b.drone;
    });
    for (auto& taken : scratch.taken)
        taken = 0;
    size_t written = 0;
    for (const SectorDemand& demand : demands) {
        if (demand.units == 0)
            continue;
        if (scratch.awards.size() < demand.units)
            return Error::OutOfRange;
        // Every valid bid is at least the reserve: with no losing bid the price is max_cost.
        AuctionConfig config { Pricing::SecondPrice, demand.units, sector_reserve, TieBreak::LowerAgentId };
        auto auction = TRY(SealedBidAuction::create(config, scratch.bids));
        size_t index = lower_bound(bids, demand.sector, [](const SectorBid& bid, uint32_t sector) { return bid.sector < sector; });
        for (; index < bids.size() && bids[index].sector == demand.sector; ++index) {
            const SectorBid& bid = bids[index];
            if (bid.cost == 0 || bid.cost > max_cost || bid.drone >= scratch.taken.size() || bid.drone >= max_ranked_drones || scratch.taken[bid.drone])
                continue;
            auto submitted = auction.submit(bid.drone, sector_bid_amount(bid.cost, max_cost, bid.drone), UINT64_MAX);
            if (submitted.is_error() && submitted.error() == Error::OutOfMemory)
                return Error::OutOfRange;
        }
        size_t winners = TRY(auction.close(scratch.awards));
        if (out.size() - written < winners)
            return Error::OutOfRange;
        for (size_t i = 0; i < winners; ++i) {
            uint32_t drone = static_cast<uint32_t>(scratch.awards[i].bidder);
            scratch.taken[drone] = 1;
            out[written++] = { drone, demand.sector, sector_price_cost(scratch.awards[i].price, max_cost) };
        }
    }
    return written;
}

namespace detail {

Result<Tally> open_tally(uint32_t options, Span<Elector> electorate)
{
    TallyConfig config;
    config.option_count = options;
    config.weighting = Weighting::ReputationWeighted;
    config.threshold = Threshold::simple_majority();
    config.deadline = 1; // the whole vote happens at time 0 and is read at time 1
    return Tally::create(config, electorate);
}

uint32_t leading_options(const Tally& tally, uint32_t options, uint32_t& runner_up)
{
    uint64_t weights[Tally::max_options] {};
    for (uint32_t option = 0; option < options && option < Tally::max_options; ++option)
        weights[option] = tally.option_weight(option);
    return leading_of(weights, options, runner_up);
}

uint32_t leading_of(const uint64_t* option_weight, uint32_t options, uint32_t& runner_up)
{
    uint32_t leader = 0;
    for (uint32_t option = 1; option < options; ++option) {
        if (option_weight[option] > option_weight[leader])
            leader = option;
    }
    runner_up = leader == 0 ? 1 : 0;
    for (uint32_t option = 0; option < options; ++option) {
        if (option != leader && option_weight[option] > option_weight[runner_up])
            runner_up = option;
    }
    return leader;
}

} // namespace detail

Agreement cross_check(const ObservationReport& a, const ObservationReport& b)
{
    Rect overlap = a.area.intersect(b.area);
    if (overlap.width() * overlap.height() < min_overlap)
        return Agreement::NoOverlap;
    auto at = [](const ObservationReport& report, int32_t x, int32_t y) -> const Observation* {
        size_t index = static_cast<size_t>(y - report.area.y0) * static_cast<size_t>(report.area.width()) + static_cast<size_t>(x - report.area.x0);
        return index < report.cells.size() ? &report.cells[index] : nullptr;
    };
    int32_t informative = 0;
    bool disagree = false;
    for (int32_t y = overlap.y0; y < overlap.y1; ++y) {
        for (int32_t x = overlap.x0; x < overlap.x1; ++x) {
            const Observation* first = at(a, x, y);
            const Observation* second = at(b, x, y);
            if (!first || !second || first->fire != second->fire || first->fuel != second->fuel) {
                disagree = true;
                continue;
            }
            informative += first->fuel > 0 || first->fire == FireState::Burning;
        }
    }
    if (disagree)
        return Agreement::Disagree;
    return informative >= min_overlap ? Agreement::Agree : Agreement::NoOverlap;
}

namespace {

Point centre_of(const Rect& area) { return { area.x0 + area.width() / 2, area.y0 + area.height() / 2 }; }

} // namespace

Result<size_t> pick_witnesses(Span<const ObservationReport> reports, const SectorGrid& grid, int32_t radius, uint32_t per_report, uint64_t round, WitnessScratch scratch, Span<WitnessPair> out)
{
    if (scratch.order.size() < reports.size() || scratch.bucket_start.size() < grid.count() + 1)
        return Error::OutOfRange;
    constexpr uint32_t max_per_report = 8;
    if (per_report == 0)
        return size_t { 0 };
    if (per_report > max_per_report)
        per_report = max_per_report;
    // Counting sort of the reports by the sector of their centre.
    Span<uint32_t> start = scratch.bucket_start;
    for (uint32_t i = 0; i <= grid.count(); ++i)
        start[i] = 0;
    for (const auto& report : reports)
        ++start[grid.sector_of(centre_of(report.area)) + 1];
    for (uint32_t i = 1; i <= grid.count(); ++i)
        start[i] += start[i - 1];
    for (uint32_t i = 0; i < reports.size(); ++i) {
        uint32_t bucket = grid.sector_of(centre_of(reports[i].area));
        // start[bucket] advances as the bucket fills; restored below.
        scratch.order[start[bucket]++] = i;
    }
    for (uint32_t i = grid.count(); i > 0; --i)
        start[i] = start[i - 1];
    start[0] = 0;

    int32_t reach = (2 * radius + grid.sector_size() - 1) / grid.sector_size();
    size_t written = 0;
    for (uint32_t subject = 0; subject < reports.size(); ++subject) {
        uint32_t best[max_per_report];
        uint64_t best_key[max_per_report];
        uint32_t chosen = 0;
        uint32_t home = grid.sector_of(centre_of(reports[subject].area));
        int32_t column = static_cast<int32_t>(home % grid.columns());
        int32_t row = static_cast<int32_t>(home / grid.columns());
        for (int32_t r = maximum(0, row - reach); r <= minimum(static_cast<int32_t>(grid.rows()) - 1, row + reach); ++r) {
            for (int32_t c = maximum(0, column - reach); c <= minimum(static_cast<int32_t>(grid.columns()) - 1, column + reach); ++c) {
                uint32_t bucket = static_cast<uint32_t>(r) * grid.columns() + static_cast<uint32_t>(c);
                for (uint32_t k = start[bucket]; k < start[bucket + 1]; ++k) {
                    uint32_t witness = scratch.order[k];
                    Rect overlap = reports[witness].area.intersect(reports[subject].area);
                    if (witness == subject || overlap.width() * overlap.height() < min_overlap)
                        continue;
                    uint64_t key = event_hash(round, reports[subject].drone, reports[witness].drone);
                    // Keep the per_report smallest keys (insertion into a tiny sorted array).
                    if (chosen == per_report && key >= best_key[chosen - 1])
                        continue;
                    uint32_t slot = chosen < per_report ? chosen++ : chosen - 1;
                    while (slot > 0 && best_key[slot - 1] > key) {
                        best_key[slot] = best_key[slot - 1];
                        best[slot] = best[slot - 1];
                        --slot;
                    }
                    best_key[slot] = key;
                    best[slot] = witness;
                }
            }
        }
        if (out.size() - written < chosen)
            return Error::OutOfRange;
        for (uint32_t i = 0; i < chosen; ++i)
            out[written++] = { best[i], subject, cross_check(reports[best[i]], reports[subject]) };
    }
    return written;
}

} // namespace gehri::wildfire

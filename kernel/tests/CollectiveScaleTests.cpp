#include <kernel/govern/Collective.h>
#include <kernel/govern/Governance.h>
#include <kernel/log/Log.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/Framework.h>

// The kernel's collective services filled with a thousand agents' records through the govern
// layer (kernel heap, the real service lock), as the wildfire swarm would: enrollment grows the
// tables, ratings grow the feedback graph with bounded refinement per call, and exits free the
// accounts and event queues. The ids are far above any real agent's.
namespace gehri {

namespace {

constexpr collective::AgentId first_id = collective::AgentId { 1 } << 40;
constexpr size_t agents = 1000;

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

} // namespace

KERNEL_TEST(collective_services_hold_a_thousand_agents)
{
    auto before = govern::collective_statistics();
    uint64_t start = now_ns();
    for (size_t i = 0; i < agents; ++i)
        EXPECT(govern::collective_enroll(first_id + i).is_ok());
    uint64_t enrolled = now_ns();
    auto full = govern::collective_statistics();
    EXPECT(full.agents >= before.agents + agents);
    EXPECT(full.agent_capacity >= full.agents);
    EXPECT(full.agent_capacity <= 2 * full.agents); // grown by doubling, not sized up front
    EXPECT_EQ(full.accounts, before.accounts + agents);
    EXPECT(full.bytes > before.bytes);
    EXPECT_EQ(govern::collective_enroll(first_id).is_ok(), true); // enrolling again is a no-op

    // A ring of praise: 3 ratings each for 200 raters, every call refining within its budget.
    uint64_t slowest = 0;
    uint64_t rating_start = now_ns();
    for (size_t i = 0; i < 200; ++i) {
        for (size_t k = 1; k <= 3; ++k) {
            uint64_t call = now_ns();
            EXPECT(govern::collective_rate(first_id + i, first_id + (i + k) % agents, 4, 0).is_ok());
            uint64_t took = now_ns() - call;
            slowest = took > slowest ? took : slowest;
        }
    }
    uint64_t rating_total = now_ns() - rating_start;
    auto rated = govern::collective_statistics();
    EXPECT(rated.feedback_edges >= full.feedback_edges + 600);
    EXPECT(!govern::collective_is_quarantined(first_id + 1));
    EXPECT_EQ(govern::collective_rate(first_id, first_id, 1, 0).error(), Error::InvalidArgument);

    for (size_t i = 0; i < agents; ++i)
        govern::collective_agent_exited(first_id + i);
    auto after = govern::collective_statistics();
    EXPECT_EQ(after.accounts, before.accounts);
    EXPECT_EQ(after.agents, before.agents);
    EXPECT(after.departed >= agents);
    // New agents take the departed agents' slots (and their ratings go) before anything grows.
    uint64_t reuse_start = now_ns();
    for (size_t i = 0; i < agents; ++i)
        EXPECT(govern::collective_enroll(first_id + agents + i).is_ok());
    uint64_t reuse_total = now_ns() - reuse_start;
    auto reused = govern::collective_statistics();
    EXPECT_EQ(reused.agent_capacity, after.agent_capacity);
    EXPECT(reused.feedback_edges < rated.feedback_edges);
    for (size_t i = 0; i < agents; ++i)
        govern::collective_agent_exited(first_id + agents + i);
    EXPECT(after.event_queues <= before.event_queues);
    log::info("collective scale: {} agents enrolled in {} us ({} bytes of tables, capacity {}), {} edges, rating calls {} us on average, slowest {} us; {} newcomers in departed slots in {} us",
        agents, (enrolled - start) / 1000, full.bytes, full.agent_capacity, rated.feedback_edges, rating_total / 600 / 1000, slowest / 1000, agents, reuse_total / 1000);
}

} // namespace gehri

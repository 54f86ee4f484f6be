// family: a tree of agents for the orphan tests (kernel/tests/AgentLifecycleTests.cpp). The
// argument's low byte is the depth: an agent of depth d > 0 spawns two children of depth d - 1;
// every agent then sleeps for good, except one with leave_after_spawning set, which exits 0
// a little later. The kernel must then kill the whole tree below it (kill_status_parent_gone).
#include <user/libgehri/Gehri.h>

namespace {

constexpr uint64_t leave_after_spawning = 1u << 8;
constexpr uint64_t leaf_quota = 256 * 1024;
constexpr uint64_t own_quota = 256 * 1024;

// What an agent of `depth` needs: its own pages and its children's quotas.
constexpr uint64_t quota_for(uint64_t depth) { return depth == 0 ? leaf_quota : own_quota + 2 * quota_for(depth - 1); }

} // namespace

int main(gehri::Agent& self)
{
    uint64_t argument = self.argument();
    uint64_t depth = argument & 0xff;
    for (int i = 0; depth > 0 && i < 2; ++i) {
        auto child = gehri::spawn(self.handle(),
            { .program = "bin/family", .name = "family-member", .argument = depth - 1, .memory_quota = quota_for(depth - 1), .may_spawn = depth > 1 });
        if (child.is_error())
            return 10 + i;
        // Its handle closes here: the tree is the kernel's record of who belongs to whom.
    }
    if ((argument & leave_after_spawning) != 0) {
        // Long enough for the test to see the whole tree even on a busy host (-smp 8 on two
        // cores once needed more than 50 ms for the leaves to start).
        (void)gehri::system::sleep_ns(500'000'000);
        return 0;
    }
    for (;;)
        (void)gehri::system::sleep_ns(60'000'000'000);
}

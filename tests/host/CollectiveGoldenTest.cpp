#include <gtest/gtest.h>
#include <kernel/collective/EigenTrust.h>
#include <kernel/collective/TokenBucket.h>

using namespace gehri;
using namespace gehri::collective;

// The same scenarios run in the kernel (kernel/tests/CollectiveTests.cpp) and must produce the
// same bits there: the kernel is built without SSE, with another code model and optimization
// level, and the collective decisions must not depend on the machine that computes them.
namespace {

uint64_t next_random(uint64_t& state)
{
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
}

uint64_t eigentrust_checksum()
{
    static PeerTrust peers[16];
    static FeedbackSlot slots[256];
    auto trust = EigenTrust::create({}, peers, slots).release_value();
    const PeerIndex pretrusted[] = { 0, 1 };
    EXPECT_TRUE(trust.set_pretrusted(Span<const PeerIndex>(pretrusted, 2)).is_ok());
    uint64_t state = 42;
    for (int k = 0; k < 400; ++k) {
        PeerIndex from = next_random(state) % 16;
        PeerIndex to = next_random(state) % 16;
        if (from == to)
            continue;
        bool good_uploader = to < 12;
        bool satisfied = from < 12 ? good_uploader : !good_uploader;
        EXPECT_TRUE(trust.record_feedback(from, to, satisfied ? 1 : 0, satisfied ? 0 : 1).is_ok());
    }
    EXPECT_TRUE(trust.compute().converged);
    uint64_t checksum = 0;
    for (PeerIndex i = 0; i < 16; ++i)
        checksum = checksum * 31 + trust.trust(i);
    return checksum;
}

} // namespace

TEST(CollectiveGolden, EigenTrustChecksum)
{
    EXPECT_EQ(eigentrust_checksum(), 920671231830817797ull);
}

// quota: runs into its limits on purpose and checks that each one is refused with an error
// status while the agent lives on: its memory quota (MemoryMap until QuotaExceeded, touching
// every page of demand-zero memory), spawning children until the quota they take from it runs
// out, and killing a child (the kill is reported to it as the parent). Exits with the number
// of failed checks. The tests start it with the Spawn right and a 4 MiB quota.
#include <user/libgehri/Gehri.h>

namespace {

using gehri::Error;

int s_failed = 0;

void check(bool condition, gehri::StringView what)
{
    if (!condition) {
        ++s_failed;
        gehri::println("quota: FAIL {}", what);
    }
}

gehri::abi::AgentInfo info_of(gehri::Agent& self)
{
    auto info = gehri::system::agent_info(self.handle().value());
    return info.is_ok() ? info.value() : gehri::abi::AgentInfo {};
}

void exhaust_memory(gehri::Agent& self)
{
    constexpr size_t chunk = 256 * 1024;
    void* regions[64];
    size_t count = 0;
    Error refusal = Error::OutOfMemory;
    while (count < 64) {
        auto region = gehri::system::memory_map(chunk);
        if (region.is_error()) {
            refusal = region.error();
            break;
        }
        regions[count++] = region.value();
        // Every page, so the memory is really there.
        auto* bytes = static_cast<volatile uint8_t*>(region.value());
        for (size_t offset = 0; offset < chunk; offset += 4096)
            bytes[offset] = static_cast<uint8_t>(offset >> 12);
    }
    check(refusal == Error::QuotaExceeded, "mapping past the quota is QuotaExceeded");
    check(count >= 8 && count < 16, "a 4 MiB quota holds between 8 and 15 regions of 256 KiB");
    auto full = info_of(self);
    check(full.memory_committed <= full.memory_quota, "committed memory stays within the quota");
    check(full.memory_resident >= count * chunk, "touched pages are resident");
    for (size_t i = 0; i < count; ++i)
        check(gehri::system::memory_unmap(regions[i], chunk).is_ok(), "unmapping a region");
    auto after = info_of(self);
    check(after.memory_committed + count * chunk == full.memory_committed, "unmapping gives the quota back");
    check(gehri::system::memory_map(chunk).is_ok(), "room again after unmapping");
    gehri::println("quota: {} regions of 256 KiB fit, then {}", count, gehri::error_name(refusal));
}

void spawn_until_refused(gehri::Agent& self)
{
    gehri::ChildAgent children[32];
    size_t count = 0;
    Error refusal = Error::OutOfMemory;
    while (count < 32) {
        auto child = gehri::spawn(self.handle(), { .program = "bin/ticker", .name = "quota-child", .memory_quota = 256 * 1024 });
        if (child.is_error()) {
            refusal = child.error();
            break;
        }
        children[count++] = std::move(child.value());
    }
    check(refusal == Error::QuotaExceeded, "spawning past the quota is QuotaExceeded");
    check(count >= 8 && count < 16, "between 8 and 15 children of 256 KiB fit in what is left of 4 MiB");
    gehri::println("quota: {} children started, then {}", count, gehri::error_name(refusal));
    for (size_t i = 0; i < count; ++i)
        check(children[i].kill(-9).is_ok(), "killing a child");
    size_t reported = 0;
    for (;;) {
        auto report = gehri::system::wait_child();
        if (report.is_error()) {
            check(report.error() == Error::NotFound, "wait_child ends with NotFound");
            break;
        }
        ++reported;
        check(report.value().info.reason == gehri::abi::ExitReason::Killed && report.value().info.status == -9, "the child was killed with -9");
    }
    check(reported == count, "every child's end is reported to the parent");
    auto info = info_of(self);
    check(info.memory_committed < 512 * 1024, "the children's quotas came back");
}

} // namespace

int main(gehri::Agent& self)
{
    exhaust_memory(self);
    spawn_until_refused(self);
    gehri::println("quota: {} failed checks", s_failed);
    return s_failed;
}

// ticker: a long-running agent for the default swarm. Says it is alive every ten seconds,
// sleeping in between, so a running system shows a steady heartbeat without using the CPU.
#include <user/libgehri/Gehri.h>

int main(gehri::Agent& self)
{
    constexpr uint64_t period_ns = 10'000'000'000;
    for (uint64_t beat = 1;; ++beat) {
        if (auto slept = gehri::system::sleep_ns(period_ns); slept.is_error())
            return 1;
        gehri::println("tick {} (agent {}, {} s since boot)", beat, self.id(), gehri::system::clock_now_ns() / 1'000'000'000);
    }
}

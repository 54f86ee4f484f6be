#pragma once

// Workloads that need only kernel threads and the scheduler (no user mode yet).
namespace gehri::bench {

// Two kernel threads yielding to each other; instructions per switch.
void kernel_thread_switch();
// Two kernel threads passing a 64-byte message back and forth through mailboxes guarded by
// wait queues (the in-kernel analogue of a futex round trip); instructions per round trip.
void kernel_waitqueue_rtt();

} // namespace gehri::bench

#pragma once

// Workloads between agents in ring 3 (system calls, channels, topics, spawning). They need the
// initrd (agents/bench, agents/pingpong, agents/ipcbench); without it each reports unavailable.
namespace gehri::bench {

// The bench agent's null syscall loop; instructions per call.
void null_syscall();
// Two agents ping-ponging 64 bytes over a channel; instructions per round trip.
void channel_rtt();
// Two agents (or two threads of one agent) calling Yield in turns; instructions per switch.
void context_switch();
void context_switch_threads();
// 64-byte messages streamed over a channel to a sink agent, the writer sleeping while the
// queue is full; instructions per message.
void pipe_throughput();
// Spawn of a tiny agent and WaitChild until it has ended; instructions per agent.
void spawn_wait();
// One 64-byte sample to N subscriber agents on a reliable topic, each acknowledging on another
// topic; instructions per sample delivered to all and acknowledged.
void fanout_100();
void fanout_1000();
// 1,000 agents started, each reporting on its channel that it runs (then blocking on it):
// instructions per agent until all have reported, and KiB of free memory each costs.
void start_1000_agents();
// The same with 10,000 agents (needs about 400 MiB: boot with -m 1024).
void start_10000_agents();

} // namespace gehri::bench

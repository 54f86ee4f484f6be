#pragma once

// libgehri: the freestanding C++ runtime of Gehri agents. An agent is a program
//
//     #include <user/libgehri/Gehri.h>
//     int main(gehri::Agent& self) { gehri::println("hello from {}", self.id()); return 0; }
//
// in agents/<name>/, built into bin/<name> of the initrd. See docs/agents.md.
#include <kernel/lib/Result.h>
#include <user/libgehri/Agent.h>
#include <user/libgehri/Blackboard.h>
#include <user/libgehri/Channel.h>
#include <user/libgehri/Event.h>
#include <user/libgehri/Handle.h>
#include <user/libgehri/Log.h>
#include <user/libgehri/Ring.h>
#include <user/libgehri/SharedMemory.h>
#include <user/libgehri/Spawn.h>
#include <user/libgehri/System.h>
#include <user/libgehri/Topic.h>
#include <user/libgehri/WaitSet.h>

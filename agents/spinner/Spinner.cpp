// spinner: a runaway agent. After its greeting it never sleeps, never yields and never makes a
// system call: only the timer interrupt takes the CPU from it, and only a kill or a freeze
// (acted on at the interrupt's return to user mode) stops it. The scheduling tests run it at
// different classes; the break-glass tests freeze it.
#include <user/libgehri/Gehri.h>

int main(gehri::Agent& self)
{
    gehri::println("spinner {} spinning", self.id());
    volatile uint64_t counter = 0;
    for (;;)
        counter = counter + 1;
}

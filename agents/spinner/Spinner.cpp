// spinner: a runaway agent for the break-glass tests. It never sleeps, never yields and never
// makes a system call after its greeting: only the timer interrupt takes the CPU from it, so a
// freeze that stops it stops anything.
#include <user/libgehri/Gehri.h>

int main(gehri::Agent& self)
{
    gehri::println("spinner {} spinning", self.id());
    volatile uint64_t counter = 0;
    for (;;)
        counter = counter + 1;
}

// spinner: burns CPU in ring 3 forever, never making a system call. Only preemption by the
// timer takes the CPU away from it, and only a kill (acted on at the interrupt's return to
// user mode) ends it. The scheduling tests run it at different classes.
#include <user/libgehri/Gehri.h>

int main(gehri::Agent&)
{
    volatile uint64_t spins = 0;
    for (;;)
        spins = spins + 1;
}

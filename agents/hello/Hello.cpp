// The smallest agent: says hello through the kernel log and exits with status 0.
#include <user/libgehri/Gehri.h>

int main(gehri::Agent& self)
{
    gehri::println("Hello from agent {}!", self.id());
    return 0;
}

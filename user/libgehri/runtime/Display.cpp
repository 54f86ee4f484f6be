#include <user/libgehri/Agent.h>
#include <user/libgehri/Display.h>

namespace gehri {

Result<Display> Display::acquire(Agent& self)
{
    abi::DisplayInfo info;
    void* pixels = TRY(system::display_acquire(self.handle().value(), info));
    return over(static_cast<uint8_t*>(pixels), info);
}

} // namespace gehri

#include <user/wildfire/Cell.h>

namespace gehri::wildfire {

bool MapView::is_front(Point p) const
{
    if (!at(p).is_burning())
        return false;
    for (uint32_t d = 0; d < direction_count; ++d) {
        Point v = direction_vector(static_cast<Direction>(d));
        Point n { p.x + v.x, p.y + v.y };
        if (contains(n) && at(n).is_flammable())
            return true;
    }
    return false;
}

} // namespace gehri::wildfire

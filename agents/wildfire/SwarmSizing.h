#pragma once

#include <user/libgehri/Gehri.h>
#include <user/wildfire/RunConfig.h>

namespace gehri::wildfire {

// The largest swarm this agent's memory quota allows (`drones = max`): every drone agent's
// quota comes out of the wildfire agent's, and so does the world's and the coordinator's memory
// for it. The estimate leaves a margin; if the swarm still does not fit, starting it fails with
// QuotaExceeded, said on the console, as for any size. 0 if not even one drone fits.
uint32_t largest_swarm(const Agent& self, const RunConfig& config);

} // namespace gehri::wildfire

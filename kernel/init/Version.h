#pragma once

namespace gehri {
constexpr const char* version_string = "0.1.0";
}

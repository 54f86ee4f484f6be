#pragma once

#include <stdint.h>

namespace gehri {

[[noreturn]] void kernel_main(uint32_t multiboot_magic, uint32_t multiboot_info_physical);

}

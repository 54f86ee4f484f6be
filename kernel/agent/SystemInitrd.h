#pragma once

#include <kernel/boot/Initrd.h>

namespace gehri::agent {

// The initrd the boot loader brought, once the kernel has found and validated it (null
// before, or if there is none). Agents' programs come from here.
const boot::Initrd* system_initrd();
void install_system_initrd(boot::Initrd&& initrd);

} // namespace gehri::agent

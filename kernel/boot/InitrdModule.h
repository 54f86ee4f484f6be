#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/lib/Result.h>

namespace gehri::boot {

// The boot module that holds the initrd: the one GRUB loaded with the string "initrd"
// (`module2 /boot/initrd.cpio initrd`). NotFound if there is none; InvalidArgument if it is
// empty or its range is inverted.
Result<Module> find_initrd_module(const BootInfo& boot_info);

} // namespace gehri::boot

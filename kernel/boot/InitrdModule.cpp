#include <kernel/boot/InitrdModule.h>

namespace gehri::boot {

Result<Module> find_initrd_module(const BootInfo& boot_info)
{
    for (size_t i = 0; i < boot_info.module_count; ++i) {
        const Module& module = boot_info.modules[i];
        if (!(module.name == "initrd"))
            continue;
        if (module.end <= module.start)
            return Error::InvalidArgument;
        return module;
    }
    return Error::NotFound;
}

} // namespace gehri::boot

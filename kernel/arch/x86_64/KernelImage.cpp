#include <kernel/mm/KernelImage.h>

// Linker symbols (kernel/arch/x86_64/linker.ld, boot.S): only their addresses mean anything.
extern "C" char __kernel_physical_start[], __kernel_image_start[], __kernel_image_end[];
extern "C" char __rodata_start[], __data_start[], __kernel_symbols_start[];
extern "C" char boot_stack_guard[];

namespace gehri::mm {

namespace {
VirtualAddress address(const char* symbol) { return reinterpret_cast<VirtualAddress>(symbol); }
} // namespace

KernelImageLayout kernel_image_layout()
{
    KernelImageLayout layout;
    layout.physical = { address(__kernel_physical_start), kernel_virtual_to_physical(address(__kernel_image_end)) };
    // .text comes first. Each section starts on a page boundary (linker.ld) and runs up to the next one, so these
    // four cover the image without gaps and no page mixes two kinds of access.
    auto kernel_data = PageFlags::NoExecute | PageFlags::Global;
    layout.sections[0] = { "text", address(__kernel_image_start), address(__rodata_start), PageFlags::Global };
    layout.sections[1] = { "rodata", address(__rodata_start), address(__data_start), kernel_data };
    layout.sections[2] = { "data", address(__data_start), address(__kernel_symbols_start), kernel_data | PageFlags::Writable };
    layout.sections[3] = { "symbols", address(__kernel_symbols_start), address(__kernel_image_end), kernel_data };
    layout.section_count = 4;
    layout.boot_stack_guard = address(boot_stack_guard);
    return layout;
}

} // namespace gehri::mm

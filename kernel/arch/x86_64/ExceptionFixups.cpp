#include <kernel/arch/x86_64/ExceptionFixups.h>

extern "C" const gehri::arch::ExceptionFixup __exception_fixups_start[];
extern "C" const gehri::arch::ExceptionFixup __exception_fixups_end[];

namespace gehri::arch {

uint64_t find_exception_fixup(uint64_t instruction)
{
    // A handful of entries: a linear scan is the simplest correct thing.
    for (const ExceptionFixup* entry = __exception_fixups_start; entry != __exception_fixups_end; ++entry) {
        if (entry->instruction == instruction)
            return entry->fixup;
    }
    return 0;
}

} // namespace gehri::arch

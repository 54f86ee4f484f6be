#include <kernel/agent/SystemInitrd.h>
#include <kernel/log/Panic.h>
#include <new>

namespace gehri::agent {

namespace {
// Initrd has no default constructor: keep raw storage and construct once.
alignas(boot::Initrd) unsigned char s_storage[sizeof(boot::Initrd)];
const boot::Initrd* s_initrd = nullptr;
} // namespace

const boot::Initrd* system_initrd() { return s_initrd; }

void install_system_initrd(boot::Initrd&& initrd)
{
    VERIFY(s_initrd == nullptr);
    s_initrd = new (s_storage) boot::Initrd(std::move(initrd));
}

} // namespace gehri::agent

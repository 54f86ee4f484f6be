#include <kernel/object/MemoryObject.h>
#include <new>

namespace gehri::object {

Result<RefPtr<MemoryObject>> MemoryObject::create(Agent& creator, uint64_t bytes)
{
    if (bytes == 0 || bytes % mm::page_size != 0 || bytes > agent::SharedPages::max_bytes)
        return Error::InvalidArgument;
    TRY(creator.memory().charge(bytes));
    auto pages = agent::SharedPages::create(bytes);
    if (pages.is_error()) {
        creator.memory().refund(bytes);
        return pages.error();
    }
    auto object = adopt_ref_if_nonnull(new (std::nothrow) MemoryObject(RefPtr<Agent>(&creator), pages.release_value()));
    if (object.is_error())
        creator.memory().refund(bytes);
    return object;
}

MemoryObject::~MemoryObject() { m_creator->memory().refund(size()); }

} // namespace gehri::object

#pragma once

#include <kernel/agent/SharedPages.h>
#include <kernel/object/Agent.h>

namespace gehri::object {

// Memory that several agents map at once, read-only or read-write (tensors, model weights,
// observations; an SpscRing between two agents). Its pages are charged to the creator's memory
// quota while the object exists; mappings keep the pages themselves alive until they are
// unmapped, and cost the mapping agent nothing.
class MemoryObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::MemoryObject;

    // QuotaExceeded (the creator's quota); InvalidArgument for a size that is not a page
    // multiple or beyond SharedPages::max_bytes; OutOfMemory.
    static Result<RefPtr<MemoryObject>> create(Agent& creator, uint64_t bytes);
    ~MemoryObject() override;

    uint64_t size() const { return m_pages->size(); }
    agent::SharedPages& pages() { return *m_pages; }

private:
    MemoryObject(RefPtr<Agent> creator, ipc::RefPtr<agent::SharedPages> pages)
        : KernelObject(object_type)
        , m_creator(std::move(creator))
        , m_pages(std::move(pages))
    {
    }

    RefPtr<Agent> m_creator; // pays for the pages
    ipc::RefPtr<agent::SharedPages> m_pages;
};

} // namespace gehri::object

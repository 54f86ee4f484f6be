#include <kernel/audit/ByteRing.h>
#include <string.h>

namespace gehri::audit {

void ByteRing::write(uint64_t position, const void* data, size_t length)
{
    size_t offset = position % m_capacity;
    size_t first = m_capacity - offset < length ? m_capacity - offset : length;
    memcpy(m_storage + offset, data, first);
    memcpy(m_storage, static_cast<const uint8_t*>(data) + first, length - first);
}

void ByteRing::read(uint64_t position, void* out, size_t length) const
{
    size_t offset = position % m_capacity;
    size_t first = m_capacity - offset < length ? m_capacity - offset : length;
    memcpy(out, m_storage + offset, first);
    memcpy(static_cast<uint8_t*>(out) + first, m_storage, length - first);
}

} // namespace gehri::audit

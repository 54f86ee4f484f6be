#pragma once

#include <user/libgehri/System.h>

namespace gehri {

// Owns one handle of this agent: closes it when it goes out of scope. Move-only.
class Handle {
public:
    constexpr Handle() = default;
    constexpr explicit Handle(HandleValue value)
        : m_value(value)
    {
    }
    Handle(Handle&& other)
        : m_value(other.release())
    {
    }
    Handle& operator=(Handle&& other)
    {
        if (this != &other)
            reset(other.release());
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { reset(); }

    HandleValue value() const { return m_value; }
    bool is_valid() const { return m_value != invalid_handle; }
    explicit operator bool() const { return is_valid(); }

    // Another handle to the same object with `rights` (no more than this one has).
    Result<Handle> duplicate(Rights rights) const { return Handle(TRY(system::handle_duplicate(m_value, rights))); }

    // Closes the handle now (what the destructor would do), reporting the kernel's answer.
    Result<void> close()
    {
        HandleValue value = release();
        return system::handle_close(value);
    }
    // Gives up ownership without closing.
    [[nodiscard]] HandleValue release()
    {
        HandleValue value = m_value;
        m_value = invalid_handle;
        return value;
    }

private:
    void reset(HandleValue value = invalid_handle)
    {
        if (m_value != invalid_handle)
            (void)system::handle_close(m_value);
        m_value = value;
    }

    HandleValue m_value { invalid_handle };
};

} // namespace gehri

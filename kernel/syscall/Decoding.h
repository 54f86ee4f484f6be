#pragma once

#include <kernel/lib/Result.h>
#include <kernel/object/Handle.h>
#include <kernel/object/Rights.h>
#include <kernel/syscall/UserPointer.h>
#include <limits>
#include <stdint.h>

// Turning raw syscall registers into typed arguments. Each parameter type of a syscall
// handler has a decoder that checks the register's form (a handle fits in 32 bits and is not
// 0, rights name only existing rights, an int32 is really one) before the handler runs;
// decode_and_invoke decodes every argument first and calls the handler only if all of them
// are well-formed. What needs the agent's state (is the handle live, is the memory mapped) the
// handler checks next, still before it changes anything.
namespace gehri::syscall {

template<typename T>
struct ArgumentDecoder;

template<>
struct ArgumentDecoder<uint64_t> {
    static Result<uint64_t> decode(uint64_t raw) { return raw; }
};

// A 32-bit signed value, zero- or sign-extended by the caller's compiler.
template<>
struct ArgumentDecoder<int32_t> {
    static Result<int32_t> decode(uint64_t raw)
    {
        auto as_signed = static_cast<int64_t>(raw);
        if (raw <= std::numeric_limits<uint32_t>::max())
            return static_cast<int32_t>(static_cast<uint32_t>(raw));
        if (as_signed >= std::numeric_limits<int32_t>::min() && as_signed < 0)
            return static_cast<int32_t>(as_signed);
        return Error::InvalidArgument;
    }
};

// Handles: the lookup says whether one is live; here only its form.
struct HandleArgument {
    HandleValue value;
};
template<>
struct ArgumentDecoder<HandleArgument> {
    static Result<HandleArgument> decode(uint64_t raw)
    {
        if (raw == invalid_handle || raw > std::numeric_limits<HandleValue>::max())
            return Error::BadHandle;
        return HandleArgument { static_cast<HandleValue>(raw) };
    }
};

template<>
struct ArgumentDecoder<Rights> {
    static Result<Rights> decode(uint64_t raw)
    {
        if (!are_valid_rights(raw))
            return Error::InvalidArgument;
        return static_cast<Rights>(raw);
    }
};

// A length the handler compares against its own limit.
struct Length {
    uint64_t value;
};
template<>
struct ArgumentDecoder<Length> {
    static Result<Length> decode(uint64_t raw) { return Length { raw }; }
};

// User pointers are checked when they are used: copy_from_user / copy_to_user check the range
// and survive faults. A pointer that cannot be in user space at all is refused at once.
template<typename T>
struct ArgumentDecoder<UserPointer<T>> {
    static Result<UserPointer<T>> decode(uint64_t raw)
    {
        if (raw >= mm::user_space_end)
            return Error::BadAddress;
        return UserPointer<T>(raw);
    }
};

// Decodes raw[0..] into Parameters... in order, then calls invoke(decoded...).
template<typename... Parameters>
struct Decoder;

template<>
struct Decoder<> {
    template<typename Invoke, typename... Decoded>
    static Result<uint64_t> run(Invoke& invoke, const uint64_t*, Decoded... decoded)
    {
        return invoke(decoded...);
    }
};

template<typename First, typename... Rest>
struct Decoder<First, Rest...> {
    template<typename Invoke, typename... Decoded>
    static Result<uint64_t> run(Invoke& invoke, const uint64_t* raw, Decoded... decoded)
    {
        First value = TRY(ArgumentDecoder<First>::decode(raw[sizeof...(Decoded)]));
        return Decoder<Rest...>::run(invoke, raw, decoded..., value);
    }
};

template<typename Caller, typename... Parameters>
Result<uint64_t> decode_and_invoke(Result<uint64_t> (*handler)(Caller&, Parameters...), Caller& caller, const uint64_t* raw)
{
    static_assert(sizeof...(Parameters) <= 6, "a syscall takes at most six arguments");
    auto invoke = [&](Parameters... arguments) { return handler(caller, arguments...); };
    return Decoder<Parameters...>::run(invoke, raw);
}

} // namespace gehri::syscall

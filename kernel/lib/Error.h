#pragma once

#include <stdint.h>

namespace gehri {

// One error vocabulary for the whole system: kernel, syscalls and libgehri.
// The numeric values are ABI (they cross the syscall boundary) and never change.
enum class Error : int32_t {
    OutOfMemory = 1,
    InvalidArgument = 2,
    NotFound = 3,
    AlreadyExists = 4,
    BadHandle = 5,
    AccessDenied = 6,
    WouldBlock = 7,
    TimedOut = 8,
    PeerClosed = 9,
    QueueFull = 10,
    OutOfRange = 11,
    NotSupported = 12,
    BadFormat = 13,
    Busy = 14,
    QuotaExceeded = 15,
    Interrupted = 16,
    WrongObjectType = 17, // a handle names an object of another kind than the call needs
    OutOfHandles = 18, // the agent's handle table is full
    BadAddress = 19, // a user pointer outside user space, or one that faulted when copied
    TooLarge = 20,        // bigger than a hard limit (message, key, value, name): never fits
    VersionMismatch = 21, // compare-and-swap lost: the entry's version is not the expected one
    BufferTooSmall = 22,  // the caller's buffer cannot hold the item; the item stays queued
};

constexpr const char* error_name(Error error)
{
    switch (error) {
    case Error::OutOfMemory: return "OutOfMemory";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::NotFound: return "NotFound";
    case Error::AlreadyExists: return "AlreadyExists";
    case Error::BadHandle: return "BadHandle";
    case Error::AccessDenied: return "AccessDenied";
    case Error::WouldBlock: return "WouldBlock";
    case Error::TimedOut: return "TimedOut";
    case Error::PeerClosed: return "PeerClosed";
    case Error::QueueFull: return "QueueFull";
    case Error::OutOfRange: return "OutOfRange";
    case Error::NotSupported: return "NotSupported";
    case Error::BadFormat: return "BadFormat";
    case Error::Busy: return "Busy";
    case Error::QuotaExceeded: return "QuotaExceeded";
    case Error::Interrupted: return "Interrupted";
    case Error::WrongObjectType: return "WrongObjectType";
    case Error::OutOfHandles: return "OutOfHandles";
    case Error::BadAddress: return "BadAddress";
    case Error::TooLarge: return "TooLarge";
    case Error::VersionMismatch: return "VersionMismatch";
    case Error::BufferTooSmall: return "BufferTooSmall";
    }
    return "UnknownError";
}

} // namespace gehri

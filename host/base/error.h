// Host errors are values: the failing call (ioctl or syscall name, or what was being
// checked), errno when there is one, and context such as "slot 3, gpa 0xc0000".
// Only cli/ turns them into messages and exit codes.
#pragma once

#include <cstring>
#include <expected>
#include <string>

namespace slotbox {

// What the user should be told the failure is about; cli maps it to an exit code.
enum class ErrorKind {
  kSystem,       // a syscall or ioctl failed
  kBadInput,     // bad usage, bad image, bad option value (exit 2)
  kUnavailable,  // KVM missing or unusable (exit 77)
};

struct Error {
  ErrorKind kind = ErrorKind::kSystem;
  std::string what;     // "KVM_SET_USER_MEMORY_REGION", "image foo.rom"
  std::string context;  // "slot 3, gpa 0xc0000"
  int code = 0;         // errno, 0 when not a system error
  std::string reason;   // used when code == 0

  std::string message() const {
    std::string text = what;
    if (!context.empty()) text += "(" + context + ")";
    text += ": ";
    text += code != 0 ? std::strerror(code) : reason;
    return text;
  }

  // The same error, reported as another kind: a failed open() of a user's file is bad
  // input (exit 2), a failed open of /dev/kvm means KVM is unavailable (exit 77).
  Error as(ErrorKind new_kind) && {
    kind = new_kind;
    return std::move(*this);
  }

  static Error from_errno(std::string what, std::string context = {}, int code = errno) {
    return Error{ErrorKind::kSystem, std::move(what), std::move(context), code, {}};
  }
  static Error bad_input(std::string what, std::string reason) {
    return Error{ErrorKind::kBadInput, std::move(what), {}, 0, std::move(reason)};
  }
  static Error unavailable(std::string what, std::string reason) {
    return Error{ErrorKind::kUnavailable, std::move(what), {}, 0, std::move(reason)};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

// Propagates an error from an expression returning Result<T>, like SerenityOS's TRY.
#define SLOTBOX_TRY(expression)                                   \
  ({                                                              \
    auto _slotbox_result = (expression);                          \
    if (!_slotbox_result) return ::slotbox::fail(std::move(_slotbox_result.error())); \
    std::move(*_slotbox_result);                                  \
  })

// The same for Result<void>.
#define SLOTBOX_TRY_VOID(expression)                              \
  do {                                                            \
    auto _slotbox_result = (expression);                          \
    if (!_slotbox_result) return ::slotbox::fail(std::move(_slotbox_result.error())); \
  } while (0)

} // namespace slotbox

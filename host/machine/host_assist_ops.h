// The host-assist operations: one small function per abi::HostOp, each over arguments
// decoded and validated once into a typed struct, looked up in a table rather than a switch.
#pragma once

#include "host/machine/host_assist_context.h"
#include "slotbox/abi.h"

#include <array>
#include <cstdint>
#include <type_traits>

namespace slotbox::machine {

struct HostAnswer {
  abi::HostStatus status = abi::HostStatus::kOk;
  std::array<uint64_t, std::extent_v<decltype(abi::HostRequest::reply)>> reply{};  // zero unless kOk
};

// Checks the version and the opcode, then performs the operation. Never trusts the
// request: every buffer it names must be guest RAM and every size is bounded.
HostAnswer answer_host_request(const abi::HostRequest& request, HostAssistContext& context);

} // namespace slotbox::machine

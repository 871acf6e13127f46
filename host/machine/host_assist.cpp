#include "host/machine/host_assist.h"

#include "host/machine/host_assist_ops.h"

#include <algorithm>
#include <cstring>

namespace slotbox::machine {

uint64_t HostAssist::read(uint64_t, unsigned size) {
  return size == 4 ? abi::kHostAssistMagic : ~0ull;
}

void HostAssist::write(uint64_t offset, unsigned size, uint64_t value) {
  ++m_requests;
  abi::HostRequest request;
  uint8_t* block = m_context.map.guest_ram(value, sizeof request);
  if (offset != 0 || size != 4 || !block) {
    ++m_rejected;  // the guest sees its kPending unchanged
    return;
  }
  std::memcpy(&request, block, sizeof request);
  HostAnswer answer = answer_host_request(request, m_context);
  if (answer.status != abi::HostStatus::kOk) ++m_rejected;
  request.status = answer.status;
  std::ranges::copy(answer.reply, request.reply);
  std::memcpy(block, &request, sizeof request);
}

} // namespace slotbox::machine

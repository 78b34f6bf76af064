#include "stack/ports.h"

#include <sodium.h>

#include "base/bytes.h"

namespace synack::stack {

EphemeralPorts::EphemeralPorts(uint16_t lo, uint16_t hi, uint64_t secret) : lo_(lo), hi_(hi) {
  for (int i = 0; i < 8; ++i) key_[static_cast<size_t>(i)] = static_cast<uint8_t>(secret >> (8 * i));
  for (int i = 8; i < 16; ++i) key_[static_cast<size_t>(i)] = static_cast<uint8_t>((secret * 0x9e3779b97f4a7c15ULL) >> (8 * (i - 8)));
}

uint32_t EphemeralPorts::offset(wire::Ipv4Addr local, const wire::Endpoint& remote) {
  if (last_ && last_->local == local && last_->remote == remote) return last_->offset;
  // offset = F(local IP, remote IP, remote port, secret)  (RFC 6056 Algorithm 3)
  uint8_t msg[10];
  base::store_be32(msg, local.value());
  base::store_be32(msg + 4, remote.addr.value());
  base::store_be16(msg + 8, remote.port);
  uint8_t out[8];
  crypto_shorthash(out, msg, sizeof msg, key_.data());
  last_ = Last{local, remote, base::load_be32(out)};
  return last_->offset;
}

}  // namespace synack::stack

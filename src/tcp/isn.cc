#include "tcp/isn.h"

#include <sodium.h>

#include <cstring>

#include "base/bytes.h"

namespace synack::tcp {

namespace {
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  (void)ok;
}
}  // namespace

Rfc6528Isn::Key Rfc6528Isn::random_key() {
  ensure_sodium();
  Key k;
  randombytes_buf(k.data(), k.size());
  return k;
}

Rfc6528Isn::Key Rfc6528Isn::key_from_seed(uint64_t seed) {
  ensure_sodium();
  Key k{};
  uint8_t in[8];
  for (int i = 0; i < 8; ++i) in[i] = static_cast<uint8_t>(seed >> (8 * i));
  // Stretch the seed into a key with keyed BLAKE2b (generichash).
  crypto_generichash(k.data(), k.size(), in, sizeof in, nullptr, 0);
  return k;
}

base::SeqNum Rfc6528Isn::generate(base::Instant now, const wire::FourTuple& t) {
  ensure_sodium();
  static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);
  uint8_t msg[12];
  base::store_be32(msg, t.local.addr.value());
  base::store_be16(msg + 4, t.local.port);
  base::store_be32(msg + 6, t.remote.addr.value());
  base::store_be16(msg + 10, t.remote.port);
  uint8_t out[8];
  crypto_shorthash(out, msg, sizeof msg, key_.data());  // SipHash-2-4
  uint32_t f = base::load_be32(out);
  uint32_t m = static_cast<uint32_t>(now.us() / 4);  // 4 us ticks (RFC 6528 §3)
  return base::SeqNum(m + f);
}

}  // namespace synack::tcp

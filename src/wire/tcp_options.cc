#include "wire/tcp_options.h"

#include "base/bytes.h"

namespace synack::wire {

using base::load_be16;
using base::load_be32;
using base::store_be16;
using base::store_be32;

base::Expected<TcpOptions, ParseError> TcpOptions::parse(std::span<const uint8_t> bytes) {
  TcpOptions o;
  bool bad_size = false;
  auto r = for_each_option(bytes, [&](RawOption opt) {
    const auto& d = opt.data;
    switch (opt.kind) {
      case static_cast<uint8_t>(OptionKind::Mss):
        if (d.size() != 2) { bad_size = true; return; }
        o.mss = load_be16(d.data());
        break;
      case static_cast<uint8_t>(OptionKind::WindowScale):
        if (d.size() != 1) { bad_size = true; return; }
        o.window_scale = d[0];
        break;
      case static_cast<uint8_t>(OptionKind::SackPermitted):
        if (d.size() != 0) { bad_size = true; return; }
        o.sack_permitted = true;
        break;
      case static_cast<uint8_t>(OptionKind::Timestamps):
        if (d.size() != 8) { bad_size = true; return; }
        o.timestamps = Timestamps{load_be32(d.data()), load_be32(d.data() + 4)};
        break;
      case static_cast<uint8_t>(OptionKind::Sack): {
        if (d.size() % 8 != 0 || d.empty()) { bad_size = true; return; }
        size_t n = d.size() / 8;
        o.sack_count = 0;
        for (size_t k = 0; k < n && k < kMaxSackBlocks; ++k) {
          o.sack[k] = {load_be32(d.data() + 8 * k), load_be32(d.data() + 8 * k + 4)};
          ++o.sack_count;
        }
        break;
      }
      default:
        break;  // EOL, NOP and unknown kinds: skipped (MUST-6)
    }
  });
  if (!r) return base::Unexpected(r.error());
  if (bad_size) return base::Unexpected(ParseError::TcpOptionBadSize);
  return o;
}

size_t TcpOptions::wire_size() const {
  size_t n = 0;
  if (mss) n += 4;
  if (timestamps) {
    n += sack_permitted ? 12 : 12;  // SACK-permitted rides in the TS padding, or NOP,NOP,TS
  } else if (sack_permitted) {
    n += 4;  // NOP,NOP,SACKOK
  }
  if (window_scale) n += 4;  // NOP,WS
  if (sack_count) n += 4 + 8u * sack_count;  // NOP,NOP,SACK
  return n;
}

size_t TcpOptions::serialize(std::span<uint8_t> out) const {
  uint8_t* p = out.data();
  if (mss) {
    p[0] = 2; p[1] = 4; store_be16(p + 2, *mss); p += 4;
  }
  if (timestamps) {
    if (sack_permitted) { p[0] = 4; p[1] = 2; } else { p[0] = 1; p[1] = 1; }
    p[2] = 8; p[3] = 10;
    store_be32(p + 4, timestamps->val);
    store_be32(p + 8, timestamps->ecr);
    p += 12;
  } else if (sack_permitted) {
    p[0] = 1; p[1] = 1; p[2] = 4; p[3] = 2; p += 4;
  }
  if (window_scale) {
    p[0] = 1; p[1] = 3; p[2] = 3; p[3] = *window_scale; p += 4;
  }
  if (sack_count) {
    p[0] = 1; p[1] = 1; p[2] = 5; p[3] = static_cast<uint8_t>(2 + 8 * sack_count); p += 4;
    for (size_t k = 0; k < sack_count; ++k) {
      store_be32(p, sack[k].left);
      store_be32(p + 4, sack[k].right);
      p += 8;
    }
  }
  return static_cast<size_t>(p - out.data());
}

}  // namespace synack::wire

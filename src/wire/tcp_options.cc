#include "wire/tcp_options.h"

#include <algorithm>

#include "base/bytes.h"

namespace synack::wire {

using base::load_be16;
using base::load_be32;
using base::store_be16;
using base::store_be32;

base::Expected<TcpOptions, ParseError> TcpOptions::parse(std::span<const uint8_t> bytes) {
  TcpOptions o;
  if (bytes.empty()) return o;
  if (auto ts = nop_nop_timestamps(bytes)) {
    o.timestamps = ts;
    return o;
  }
  // The SYN (and SYN,ACK) of Linux and of synack itself: MSS, SACK-permitted,
  // TS, NOP, WS in exactly 20 bytes. Read in place; any other layout takes
  // the general walk below, with the same result.
  if (const uint8_t* b = bytes.data(); bytes.size() == 20 && b[0] == 2 && b[1] == 4 && b[4] == 4 && b[5] == 2 &&
                                       b[6] == 8 && b[7] == 10 && b[16] == 1 && b[17] == 3 && b[18] == 3) {
    o.mss = load_be16(b + 2);
    o.sack_permitted = true;
    o.timestamps = Timestamps{load_be32(b + 8), load_be32(b + 12)};
    o.window_scale = b[19];
    return o;
  }
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
        o.sack = {};  // a later SACK option replaces an earlier one entirely
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

bool TcpOptions::operator==(const TcpOptions& o) const {
  return mss == o.mss && window_scale == o.window_scale && sack_permitted == o.sack_permitted &&
         timestamps == o.timestamps && std::ranges::equal(sack_blocks(), o.sack_blocks());
}

namespace {

// How serialize() lays the options out, and how many SACK blocks it keeps.
struct Layout {
  bool packed = false;
  size_t sack_blocks = 0;
  size_t size = 0;  // bytes written, padding included
};

Layout plan_layout(const TcpOptions& o) {
  size_t blocks = o.sack_blocks().size();
  size_t aligned = (o.mss ? 4 : 0) + (o.window_scale ? 4 : 0);  // MSS; NOP,WS
  if (o.timestamps) {
    aligned += 12;  // SACK-permitted rides in the TS padding, or NOP,NOP,TS
  } else if (o.sack_permitted) {
    aligned += 4;  // NOP,NOP,SACKOK
  }
  if (blocks) aligned += 4 + 8 * blocks;  // NOP,NOP,SACK
  if (aligned <= kMaxOptionBytes) return {false, blocks, aligned};
  // Back to back: 4 + 3 + 2 + 10 = 19 bytes at most before SACK, so this fits.
  size_t fixed = (o.mss ? 4 : 0) + (o.window_scale ? 3 : 0) + (o.sack_permitted ? 2 : 0) +
                 (o.timestamps ? 10 : 0);
  while (blocks && fixed + 2 + 8 * blocks > kMaxOptionBytes) --blocks;
  size_t packed = fixed + (blocks ? 2 + 8 * blocks : 0);
  return {true, blocks, (packed + 3) & ~size_t{3}};
}

uint8_t* write_sack(const TcpOptions& o, size_t blocks, uint8_t* p) {
  p[0] = 5;
  p[1] = static_cast<uint8_t>(2 + 8 * blocks);
  p += 2;
  for (size_t k = 0; k < blocks; ++k) {
    store_be32(p, o.sack[k].left);
    store_be32(p + 4, o.sack[k].right);
    p += 8;
  }
  return p;
}

uint8_t* write_aligned(const TcpOptions& o, size_t blocks, uint8_t* p) {
  if (o.mss) {
    p[0] = 2; p[1] = 4; store_be16(p + 2, *o.mss); p += 4;
  }
  if (o.timestamps) {
    if (o.sack_permitted) { p[0] = 4; p[1] = 2; } else { p[0] = 1; p[1] = 1; }
    p[2] = 8; p[3] = 10;
    store_be32(p + 4, o.timestamps->val);
    store_be32(p + 8, o.timestamps->ecr);
    p += 12;
  } else if (o.sack_permitted) {
    p[0] = 1; p[1] = 1; p[2] = 4; p[3] = 2; p += 4;
  }
  if (o.window_scale) {
    p[0] = 1; p[1] = 3; p[2] = 3; p[3] = *o.window_scale; p += 4;
  }
  if (blocks) {
    p[0] = 1; p[1] = 1;
    p = write_sack(o, blocks, p + 2);
  }
  return p;
}

uint8_t* write_packed(const TcpOptions& o, size_t blocks, uint8_t* p) {
  if (o.mss) {
    p[0] = 2; p[1] = 4; store_be16(p + 2, *o.mss); p += 4;
  }
  if (o.window_scale) {
    p[0] = 3; p[1] = 3; p[2] = *o.window_scale; p += 3;
  }
  if (o.sack_permitted) {
    p[0] = 4; p[1] = 2; p += 2;
  }
  if (o.timestamps) {
    p[0] = 8; p[1] = 10;
    store_be32(p + 2, o.timestamps->val);
    store_be32(p + 6, o.timestamps->ecr);
    p += 10;
  }
  if (blocks) p = write_sack(o, blocks, p);
  return p;
}

}  // namespace

size_t TcpOptions::wire_size_general() const { return plan_layout(*this).size; }

size_t TcpOptions::serialize_general(std::span<uint8_t> out) const {
  Layout l = plan_layout(*this);
  if (!l.packed) {
    write_aligned(*this, l.sack_blocks, out.data());
    return l.size;
  }
  uint8_t* end = write_packed(*this, l.sack_blocks, out.data());
  // EOL, then zero fill to the word boundary (MUST-69); EOL's kind is 0 too.
  std::fill(end, out.data() + l.size, uint8_t{0});
  return l.size;
}

}  // namespace synack::wire

#pragma once
// TCP options (RFC 9293 §3.2): EOL, NOP, MSS; window scale and timestamps
// (RFC 7323); SACK-permitted and SACK (RFC 2018). Unknown options are skipped by
// their length (MUST-6); lengths 0/1 or past the header are errors (MUST-7).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/expected.h"
#include "wire/parse_error.h"

namespace synack::wire {

enum class OptionKind : uint8_t {
  Eol = 0,
  Nop = 1,
  Mss = 2,
  WindowScale = 3,
  SackPermitted = 4,
  Sack = 5,
  Timestamps = 8,
};

struct SackBlock {
  uint32_t left = 0;   // first sequence number of the block
  uint32_t right = 0;  // sequence number just after the block
  bool operator==(const SackBlock&) const = default;
};

struct Timestamps {
  uint32_t val = 0;
  uint32_t ecr = 0;
  bool operator==(const Timestamps&) const = default;
};

constexpr size_t kMaxSackBlocks = 4;     // 4*8+2 = 34 bytes, fits the 40-byte option space
constexpr size_t kMaxOptionBytes = 40;

struct TcpOptions {
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;
  bool sack_permitted = false;
  std::optional<Timestamps> timestamps;
  uint8_t sack_count = 0;
  std::array<SackBlock, kMaxSackBlocks> sack{};

  std::span<const SackBlock> sack_blocks() const {
    return {sack.data(), sack_count < kMaxSackBlocks ? sack_count : kMaxSackBlocks};
  }
  // No options; the SACK slots keep their bytes (past sack_count they are
  // not part of the value), which spares every outgoing segment 32 stores.
  void clear() {
    mss.reset();
    window_scale.reset();
    sack_permitted = false;
    timestamps.reset();
    sack_count = 0;
  }
  bool empty() const {
    return !mss && !window_scale && !sack_permitted && !timestamps && sack_count == 0;
  }
  // Slots past sack_count are not part of the value.
  bool operator==(const TcpOptions& o) const;

  // Parse the option bytes of a header (everything between byte 20 and the data offset).
  static base::Expected<TcpOptions, ParseError> parse(std::span<const uint8_t> bytes);

  // Timestamps or nothing: what every segment after the handshake carries
  // unless it reports SACK blocks (RFC 7323 §3.2, RFC 2018 §4).
  bool timestamps_only() const {
    return !mss && !window_scale && !sack_permitted && sack_count == 0;
  }
  // Bytes `serialize` will write (a multiple of 4, at most kMaxOptionBytes).
  size_t wire_size() const {
    if (timestamps_only()) return timestamps ? 12 : 0;  // NOP,NOP,TS (RFC 7323 Appendix A)
    return wire_size_general();
  }
  // Write the options in a fixed, Linux-like layout, each option aligned by NOPs.
  // If that layout would pass the 40-byte option space, the options are written
  // back to back instead (receivers parse them unaligned, MUST-64), ended by EOL
  // and zero fill (MUST-69); only if even that does not fit are trailing SACK
  // blocks left out (the first block is the most recent, RFC 2018 §4).
  // Returns bytes written. `out` must hold wire_size() bytes.
  size_t serialize(std::span<uint8_t> out) const {
    if (!timestamps_only()) return serialize_general(out);
    // The common segment: NOP,NOP,TS or no options at all, written inline
    // without planning a layout (the same bytes the general layout produces).
    if (!timestamps) return 0;
    uint8_t* p = out.data();
    p[0] = 1; p[1] = 1; p[2] = 8; p[3] = 10;
    base::store_be32(p + 4, timestamps->val);
    base::store_be32(p + 8, timestamps->ecr);
    return 12;
  }

 private:
  size_t wire_size_general() const;
  size_t serialize_general(std::span<uint8_t> out) const;
};

// The classic receive fast path (BSD, Linux): exactly NOP,NOP,TS,10 at offset
// 0 of a 12-byte option field, the layout of RFC 7323 Appendix A that nearly
// every segment after the handshake carries. nullopt: take the general parse.
inline std::optional<Timestamps> nop_nop_timestamps(std::span<const uint8_t> bytes) {
  const uint8_t* b = bytes.data();
  if (bytes.size() != 12 || b[0] != 1 || b[1] != 1 || b[2] != 8 || b[3] != 10) return std::nullopt;
  return Timestamps{base::load_be32(b + 4), base::load_be32(b + 8)};
}

// Raw iteration over options (kind, length, data), for tools that check layouts.
struct RawOption {
  uint8_t kind;
  std::span<const uint8_t> data;  // without kind and length bytes
};
// Calls f(RawOption) for each option; EOL ends the list. Returns an error on a
// malformed length.
template <class F>
base::Expected<void, ParseError> for_each_option(std::span<const uint8_t> bytes, F&& f) {
  size_t i = 0;
  while (i < bytes.size()) {
    uint8_t kind = bytes[i];
    if (kind == 0) { f(RawOption{kind, {}}); break; }
    if (kind == 1) { f(RawOption{kind, {}}); ++i; continue; }
    if (i + 1 >= bytes.size()) return base::Unexpected(ParseError::TcpOptionOverrun);
    uint8_t len = bytes[i + 1];
    if (len < 2) return base::Unexpected(ParseError::TcpOptionBadLength);
    if (i + len > bytes.size()) return base::Unexpected(ParseError::TcpOptionOverrun);
    f(RawOption{kind, bytes.subspan(i + 2, len - 2u)});
    i += len;
  }
  return {};
}

}  // namespace synack::wire

#pragma once
// The IPv4 header (RFC 791): checked view and value.
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/expected.h"
#include "wire/ipv4_addr.h"
#include "wire/parse_error.h"

namespace synack::wire {

constexpr size_t kIpv4MinHeader = 20;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;

class Ipv4View {
 public:
  // Validates version, IHL, total length and the header checksum. The returned
  // view covers exactly `total length` bytes (link padding is cut off).
  static base::Expected<Ipv4View, ParseError> parse(std::span<const uint8_t> packet);

  size_t header_len() const { return static_cast<size_t>(b_[0] & 0x0f) * 4; }
  uint8_t tos() const { return b_[1]; }
  uint16_t total_len() const { return base::load_be16(b_.data() + 2); }
  uint16_t id() const { return base::load_be16(b_.data() + 4); }
  bool dont_fragment() const { return b_[6] & 0x40; }
  bool more_fragments() const { return b_[6] & 0x20; }
  uint16_t fragment_offset() const { return base::load_be16(b_.data() + 6) & 0x1fff; }
  bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  uint8_t ttl() const { return b_[8]; }
  uint8_t protocol() const { return b_[9]; }
  Ipv4Addr src() const { return Ipv4Addr(base::load_be32(b_.data() + 12)); }
  Ipv4Addr dst() const { return Ipv4Addr(base::load_be32(b_.data() + 16)); }
  std::span<const uint8_t> payload() const { return b_.subspan(header_len()); }
  std::span<const uint8_t> bytes() const { return b_; }

 private:
  std::span<const uint8_t> b_;
};

struct Ipv4Header {
  uint8_t tos = 0;
  uint16_t total_len = 0;
  uint16_t id = 0;
  bool dont_fragment = true;
  uint8_t ttl = 64;
  uint8_t protocol = kProtoTcp;
  Ipv4Addr src;
  Ipv4Addr dst;

  // Writes a 20-byte header with a correct checksum.
  void serialize(std::span<uint8_t> out) const;
};

}  // namespace synack::wire

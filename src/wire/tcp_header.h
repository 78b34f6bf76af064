#pragma once
// The TCP header (RFC 9293 §3.1): a checked view over bytes and a value type.
//
// TcpView::parse checks the length, the data offset and (optionally) the checksum
// once; after that no accessor can fail. TcpHeader is the value form used to build
// outgoing segments: serialize() writes header + options and leaves the checksum
// to the caller, who knows the pseudo-header and the payload.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/bytes.h"
#include "base/expected.h"
#include "wire/parse_error.h"
#include "wire/tcp_options.h"

namespace synack::wire {

// Control bits in header byte 13 (RFC 9293 §3.1; ECE/CWR from RFC 3168).
namespace tcp_flags {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kUrg = 0x20;
constexpr uint8_t kEce = 0x40;
constexpr uint8_t kCwr = 0x80;
}  // namespace tcp_flags

// "SYN,ACK" style, in the order SYN, FIN, RST, PSH, ACK, URG, ECE, CWR.
std::string flags_to_string(uint8_t flags);

constexpr size_t kTcpMinHeader = 20;

class TcpView {
 public:
  // Validates length, data offset and options. Does not verify the checksum (that
  // needs the pseudo-header; see verify_tcp_checksum).
  static base::Expected<TcpView, ParseError> parse(std::span<const uint8_t> segment);

  uint16_t src_port() const { return base::load_be16(b_.data()); }
  uint16_t dst_port() const { return base::load_be16(b_.data() + 2); }
  uint32_t seq() const { return base::load_be32(b_.data() + 4); }
  uint32_t ack() const { return base::load_be32(b_.data() + 8); }
  size_t header_len() const { return static_cast<size_t>(b_[12] >> 4) * 4; }
  uint8_t flags() const { return b_[13]; }
  uint16_t window() const { return base::load_be16(b_.data() + 14); }
  uint16_t checksum() const { return base::load_be16(b_.data() + 16); }
  uint16_t urgent() const { return base::load_be16(b_.data() + 18); }
  std::span<const uint8_t> option_bytes() const { return b_.subspan(20, header_len() - 20); }
  const TcpOptions& options() const { return opts_; }
  std::span<const uint8_t> payload() const { return b_.subspan(header_len()); }
  std::span<const uint8_t> bytes() const { return b_; }

 private:
  std::span<const uint8_t> b_;
  TcpOptions opts_;
};

struct TcpHeader {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  uint16_t checksum = 0;
  uint16_t urgent = 0;
  TcpOptions options;

  static TcpHeader from_view(const TcpView& v);
  size_t wire_size() const { return kTcpMinHeader + options.wire_size(); }
  // Writes wire_size() bytes (checksum field as stored in `checksum`).
  size_t serialize(std::span<uint8_t> out) const;
  // The same with `opts` in place of `options` (which is then ignored): the
  // stack writes each segment's options without copying them into a header.
  size_t serialize(std::span<uint8_t> out, const TcpOptions& opts) const;
};

// Checksum over the IPv4 pseudo-header and the whole segment (header + payload).
bool verify_tcp_checksum(uint32_t src, uint32_t dst, std::span<const uint8_t> segment);
// Compute and store the checksum of a serialized segment in place.
void fill_tcp_checksum(uint32_t src, uint32_t dst, std::span<uint8_t> segment);

}  // namespace synack::wire

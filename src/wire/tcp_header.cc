#include "wire/tcp_header.h"

#include "wire/checksum.h"

namespace synack::wire {

std::string flags_to_string(uint8_t f) {
  static constexpr struct { uint8_t bit; const char* name; } kNames[] = {
      {tcp_flags::kSyn, "SYN"}, {tcp_flags::kFin, "FIN"}, {tcp_flags::kRst, "RST"},
      {tcp_flags::kPsh, "PSH"}, {tcp_flags::kAck, "ACK"}, {tcp_flags::kUrg, "URG"},
      {tcp_flags::kEce, "ECE"}, {tcp_flags::kCwr, "CWR"}};
  std::string s;
  for (const auto& n : kNames) {
    if (f & n.bit) {
      if (!s.empty()) s += ',';
      s += n.name;
    }
  }
  return s.empty() ? std::string("none") : s;
}

base::Expected<TcpView, ParseError> TcpView::parse(std::span<const uint8_t> segment) {
  if (segment.size() < kTcpMinHeader) return base::Unexpected(ParseError::TcpTooShort);
  size_t hlen = static_cast<size_t>(segment[12] >> 4) * 4;
  if (hlen < kTcpMinHeader) return base::Unexpected(ParseError::TcpBadDataOffset);
  if (hlen > segment.size()) return base::Unexpected(ParseError::TcpDataOffsetPastEnd);
  TcpView v;
  v.b_ = segment;
  auto option_bytes = segment.subspan(kTcpMinHeader, hlen - kTcpMinHeader);
  if (option_bytes.empty()) return v;
  // NOP,NOP,TS (RFC 7323 Appendix A) goes straight into the view, without the
  // general parse and its copies of the options.
  if (auto ts = nop_nop_timestamps(option_bytes)) {
    v.opts_.timestamps = ts;
    return v;
  }
  auto opts = TcpOptions::parse(option_bytes);
  if (!opts) return base::Unexpected(opts.error());
  v.opts_ = *opts;
  return v;
}

TcpHeader TcpHeader::from_view(const TcpView& v) {
  TcpHeader h;
  h.src_port = v.src_port();
  h.dst_port = v.dst_port();
  h.seq = v.seq();
  h.ack = v.ack();
  h.flags = v.flags();
  h.window = v.window();
  h.checksum = v.checksum();
  h.urgent = v.urgent();
  h.options = v.options();
  return h;
}

size_t TcpHeader::serialize(std::span<uint8_t> out) const { return serialize(out, options); }

size_t TcpHeader::serialize(std::span<uint8_t> out, const TcpOptions& opts) const {
  uint8_t* p = out.data();
  size_t opt_len = opts.serialize(out.subspan(kTcpMinHeader));
  size_t hlen = kTcpMinHeader + opt_len;
  base::store_be16(p, src_port);
  base::store_be16(p + 2, dst_port);
  base::store_be32(p + 4, seq);
  base::store_be32(p + 8, ack);
  p[12] = static_cast<uint8_t>((hlen / 4) << 4);
  p[13] = flags;
  base::store_be16(p + 14, window);
  base::store_be16(p + 16, checksum);
  base::store_be16(p + 18, urgent);
  return hlen;
}

bool verify_tcp_checksum(uint32_t src, uint32_t dst, std::span<const uint8_t> segment) {
  if (segment.size() > 0xffff) return false;
  uint32_t s = pseudo_header_sum(src, dst, 6, static_cast<uint16_t>(segment.size()));
  s = checksum_partial(segment, s);
  return checksum_finish(s) == 0;
}

void fill_tcp_checksum(uint32_t src, uint32_t dst, std::span<uint8_t> segment) {
  segment[16] = 0;
  segment[17] = 0;
  uint32_t s = pseudo_header_sum(src, dst, 6, static_cast<uint16_t>(segment.size()));
  s = checksum_partial(segment, s);
  base::store_be16(segment.data() + 16, checksum_finish(s));
}

}  // namespace synack::wire

#pragma once
// What the wire codecs must guarantee for ANY input bytes. Shared by the
// libFuzzer targets (fuzz_ipv4.cc, fuzz_tcp.cc) and the deterministic
// robustness test that runs in CTest (wire_robustness_test.cc).
//
// Each check returns an empty string when every invariant holds, otherwise a
// description of the first one broken: a fuzz target aborts with it, a
// GoogleTest prints it next to the input. Crashes and sanitizer reports are
// the other half of the contract and need no code here.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/parse_error.h"
#include "wire/tcp_header.h"
#include "wire/tcp_options.h"

namespace synack::wire::fuzz {

inline std::string error_text(std::string_view what, ParseError e) {
  return std::string(what) + ": " + std::string(to_string(e));
}

// Invariants of TcpOptions::parse on any bytes, and of serializing its result.
inline std::string check_tcp_options(std::span<const uint8_t> bytes) {
  auto parsed = TcpOptions::parse(bytes);
  if (!parsed) {
    ParseError e = parsed.error();
    bool option_error = e == ParseError::TcpOptionBadLength || e == ParseError::TcpOptionOverrun ||
                        e == ParseError::TcpOptionBadSize;
    return option_error ? "" : error_text("options: parse returned a non-option error", e);
  }
  const TcpOptions& o = *parsed;
  if (o.sack_count > kMaxSackBlocks) return "options: sack_count above kMaxSackBlocks";
  size_t n = o.wire_size();
  if (n > kMaxOptionBytes || n % 4 != 0) return "options: wire_size() not a multiple of 4 <= 40";
  std::array<uint8_t, kMaxOptionBytes + 4> out;
  out.fill(0xa5);
  if (o.serialize(out) != n) return "options: serialize() != wire_size()";
  if (!std::all_of(out.begin() + static_cast<ptrdiff_t>(n), out.end(),
                   [](uint8_t b) { return b == 0xa5; })) {
    return "options: serialize() wrote past wire_size()";
  }
  auto again = TcpOptions::parse(std::span(out).first(n));
  if (!again) return error_text("options: serialized options do not parse", again.error());
  // Options parsed from at most 40 bytes fit in 40 bytes again, so they must
  // come back unchanged; from longer input, only trailing SACK blocks may go.
  if (bytes.size() <= kMaxOptionBytes) {
    return *again == o ? "" : "options: serialize/parse round trip changed the options";
  }
  bool same =
      again->mss == o.mss && again->window_scale == o.window_scale &&
      again->sack_permitted == o.sack_permitted && again->timestamps == o.timestamps &&
      again->sack_count <= o.sack_count &&
      std::equal(again->sack_blocks().begin(), again->sack_blocks().end(), o.sack_blocks().begin());
  return same ? "" : "options: round trip of long input lost more than trailing SACK blocks";
}

// Why TcpView::parse must reject `seg`, judged independently of the parser
// (RFC 9293 §3.1 field layout), or nothing if it must accept.
inline std::optional<ParseError> expected_tcp_error(std::span<const uint8_t> seg) {
  if (seg.size() < kTcpMinHeader) return ParseError::TcpTooShort;
  size_t hlen = static_cast<size_t>(seg[12] >> 4) * 4;
  if (hlen < kTcpMinHeader) return ParseError::TcpBadDataOffset;
  if (hlen > seg.size()) return ParseError::TcpDataOffsetPastEnd;
  auto opts = TcpOptions::parse(seg.subspan(kTcpMinHeader, hlen - kTcpMinHeader));
  if (!opts) return opts.error();
  return std::nullopt;
}

inline bool same_header(const TcpHeader& a, const TcpHeader& b) {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq && a.ack == b.ack &&
         a.flags == b.flags && a.window == b.window && a.checksum == b.checksum &&
         a.urgent == b.urgent && a.options == b.options;
}

// Invariants of TcpView::parse on any bytes; for accepted input, of
// re-serializing its TcpHeader and parsing that again, and of the checksum.
inline std::string check_tcp_segment(std::span<const uint8_t> seg) {
  auto v = TcpView::parse(seg);
  auto want = expected_tcp_error(seg);
  if (!v) {
    if (!want) return error_text("tcp: rejected a valid segment", v.error());
    if (*want != v.error()) return error_text("tcp: wrong rejection reason", v.error());
    return {};
  }
  if (want) return error_text("tcp: accepted a segment that should fail with", *want);
  size_t hlen = v->header_len();
  if (hlen < kTcpMinHeader || hlen > kTcpMinHeader + kMaxOptionBytes || hlen % 4 != 0 ||
      hlen > seg.size()) {
    return "tcp: header_len() out of bounds";
  }
  if (v->bytes().size() != seg.size() || v->bytes().data() != seg.data())
    return "tcp: bytes() is not the segment";
  if (v->payload().size() != seg.size() - hlen || v->payload().data() != seg.data() + hlen)
    return "tcp: payload() is not the bytes after the header";
  if (v->option_bytes().size() != hlen - kTcpMinHeader) return "tcp: option_bytes() size";

  TcpHeader h = TcpHeader::from_view(*v);
  std::vector<uint8_t> buf(kTcpMinHeader + kMaxOptionBytes + v->payload().size());
  size_t n = h.serialize(buf);
  if (n != h.wire_size() || n > kTcpMinHeader + kMaxOptionBytes || n % 4 != 0)
    return "tcp: serialize() size";
  std::copy(v->payload().begin(), v->payload().end(), buf.begin() + static_cast<ptrdiff_t>(n));
  buf.resize(n + v->payload().size());
  auto again = TcpView::parse(buf);
  if (!again) return error_text("tcp: re-serialized header does not parse", again.error());
  if (!same_header(TcpHeader::from_view(*again), h)) return "tcp: re-parse changed a field";
  if (!std::equal(again->payload().begin(), again->payload().end(), v->payload().begin(),
                  v->payload().end())) {
    return "tcp: re-parse changed the payload";
  }

  // RFC 9293 §3.1 checksum: fill then verify agree; one flipped bit is caught.
  constexpr uint32_t kSrc = 0xc0000201, kDst = 0xc6336402;
  fill_tcp_checksum(kSrc, kDst, buf);
  if (!verify_tcp_checksum(kSrc, kDst, buf)) return "tcp: verify rejects a filled checksum";
  size_t at = (seg.size() * 131 + h.seq) % buf.size();
  buf[at] = static_cast<uint8_t>(buf[at] ^ (1u << (h.ack % 8)));
  if (verify_tcp_checksum(kSrc, kDst, buf)) return "tcp: verify missed a single-bit error";
  return {};
}

// All TCP-level checks on one input (the fuzz_tcp entry point).
inline std::string check_tcp_input(std::span<const uint8_t> bytes) {
  if (auto r = check_tcp_options(bytes); !r.empty()) return r;
  return check_tcp_segment(bytes);
}

// Why Ipv4View::parse must reject `p` (RFC 791 §3.1), or nothing.
inline std::optional<ParseError> expected_ipv4_error(std::span<const uint8_t> p) {
  if (p.size() < kIpv4MinHeader) return ParseError::Ipv4TooShort;
  if ((p[0] >> 4) != 4) return ParseError::Ipv4BadVersion;
  size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  if (ihl < kIpv4MinHeader || ihl > p.size()) return ParseError::Ipv4BadHeaderLength;
  size_t total = (size_t{p[2]} << 8) | p[3];
  if (total < ihl || total > p.size()) return ParseError::Ipv4BadTotalLength;
  if (checksum_finish(checksum_partial(p.first(ihl))) != 0) return ParseError::Ipv4BadChecksum;
  return std::nullopt;
}

// Invariants of Ipv4View::parse on any bytes; for accepted input, of an
// Ipv4Header round trip, and the TCP checks on a TCP payload.
inline std::string check_ipv4_input(std::span<const uint8_t> p) {
  auto v = Ipv4View::parse(p);
  auto want = expected_ipv4_error(p);
  if (!v) {
    if (!want) return error_text("ipv4: rejected a valid packet", v.error());
    if (*want != v.error()) return error_text("ipv4: wrong rejection reason", v.error());
    return {};
  }
  if (want) return error_text("ipv4: accepted a packet that should fail with", *want);
  size_t hlen = v->header_len();
  if (hlen < kIpv4MinHeader || hlen > 60 || hlen > v->total_len()) return "ipv4: header_len()";
  if (v->bytes().size() != v->total_len() || v->bytes().size() > p.size() ||
      v->bytes().data() != p.data()) {
    return "ipv4: bytes() is not the first total_len bytes";
  }
  if (v->payload().size() != v->total_len() - hlen || v->payload().data() != p.data() + hlen)
    return "ipv4: payload() is not the bytes between header and total length";

  Ipv4Header h;
  h.tos = v->tos();
  h.total_len = static_cast<uint16_t>(kIpv4MinHeader + v->payload().size());
  h.id = v->id();
  h.dont_fragment = v->dont_fragment();
  h.ttl = v->ttl();
  h.protocol = v->protocol();
  h.src = v->src();
  h.dst = v->dst();
  std::vector<uint8_t> buf(h.total_len);
  h.serialize(buf);
  std::copy(v->payload().begin(), v->payload().end(), buf.begin() + kIpv4MinHeader);
  auto again = Ipv4View::parse(buf);
  if (!again) return error_text("ipv4: serialized header does not parse", again.error());
  if (again->tos() != h.tos || again->total_len() != h.total_len || again->id() != h.id ||
      again->dont_fragment() != h.dont_fragment || again->is_fragment() || again->ttl() != h.ttl ||
      again->protocol() != h.protocol || again->src() != h.src || again->dst() != h.dst ||
      again->header_len() != kIpv4MinHeader) {
    return "ipv4: re-parse changed a field";
  }
  if (v->protocol() == kProtoTcp && !v->is_fragment()) {
    (void)verify_tcp_checksum(v->src().value(), v->dst().value(), v->payload());
    return check_tcp_input(v->payload());
  }
  return {};
}

}  // namespace synack::wire::fuzz

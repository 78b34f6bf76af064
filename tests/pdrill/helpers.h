#pragma once
// Helpers for the runner tests: parse one packet line, build live packets by hand.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "pdrill/live_packet.h"
#include "script/parse.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::pdrill::testing {

// The packet of a one-line script "0 <line>".
inline script::Packet packet(std::string_view line) {
  auto s = script::parse_script("0 " + std::string(line) + "\n", "t.pkt");
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().to_string());
  if (!s || s->events.empty() || !s->events[0].packet()) return {};
  return *s->events[0].packet();
}

inline script::Script parse(std::string_view text) {
  auto s = script::parse_script(text, "t.pkt");
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().to_string());
  return s ? std::move(s).value() : script::Script{};
}

// A serialized IPv4/TCP packet from 192.168.0.1:8080 to 192.0.2.1:40000.
struct Seg {
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t win = 1000;
  std::vector<uint8_t> options;  // raw, padded by the caller
  size_t payload = 0;
};

inline std::vector<uint8_t> seg_bytes(const Seg& s) {
  size_t hl = 20 + s.options.size();
  std::vector<uint8_t> b(20 + hl + s.payload, 0);
  wire::Ipv4Header ip;
  ip.total_len = static_cast<uint16_t>(b.size());
  ip.src = wire::Ipv4Addr(192, 168, 0, 1);
  ip.dst = wire::Ipv4Addr(192, 0, 2, 1);
  ip.serialize({b.data(), 20});
  uint8_t* t = b.data() + 20;
  base::store_be16(t, 8080);
  base::store_be16(t + 2, 40000);
  base::store_be32(t + 4, s.seq);
  base::store_be32(t + 8, s.ack);
  t[12] = static_cast<uint8_t>((hl / 4) << 4);
  t[13] = s.flags;
  base::store_be16(t + 14, s.win);
  std::copy(s.options.begin(), s.options.end(), t + 20);
  wire::fill_tcp_checksum(ip.src.value(), ip.dst.value(), {t, hl + s.payload});
  return b;
}

inline LivePacket live(const Seg& s, int64_t at_us = 0) {
  return decode_live(Captured{base::Instant::from_micros(at_us), seg_bytes(s)});
}

}  // namespace synack::pdrill::testing

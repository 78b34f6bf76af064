#include "pdrill/packet_build.h"

#include <algorithm>

#include "base/bytes.h"
#include "pdrill/option_codec.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::pdrill {
namespace {

uint8_t tos_byte(const script::IpInfo& ip) {
  uint8_t tos = ip.tos.value_or(0);
  if (ip.ecn) {
    tos = static_cast<uint8_t>(tos & ~0x3);
    switch (*ip.ecn) {
      case script::Ecn::NoEcn: break;
      case script::Ecn::Ect1: tos |= 1; break;
      case script::Ecn::Ect0: tos |= 2; break;
      case script::Ecn::Ce: tos |= 3; break;
      case script::Ecn::Ect01: tos |= 2; break;  // outbound only; the parser rejects it inbound
    }
  }
  return tos;
}

}  // namespace

base::Expected<std::vector<uint8_t>, std::string> build_inbound(const script::Packet& p,
                                                                const Addressing& a,
                                                                const SeqMap& map) {
  switch (p.kind) {
    case script::PacketKind::Tcp: break;
    case script::PacketKind::Udp: return base::Unexpected(std::string("inbound UDP packets"));
    case script::PacketKind::Icmp: return base::Unexpected(std::string("inbound ICMP packets"));
  }
  if (p.ip.flowlabel) return base::Unexpected(std::string("IPv6 flow labels"));
  if (p.seq.kind != script::SeqKind::Relative) {
    return base::Unexpected(std::string("absolute or wildcard sequence numbers on an inbound packet"));
  }
  auto opts = encode_options(p.options, map.local_offset());
  if (!opts) return base::Unexpected(opts.error());
  if (opts->size() % 4 != 0) return base::Unexpected(std::string("TCP options not padded to 4 bytes"));

  const size_t tcp_hlen = wire::kTcpMinHeader + opts->size();
  const size_t tcp_len = tcp_hlen + p.seq.len;
  const size_t total = wire::kIpv4MinHeader + tcp_len;
  if (total > 0xffff) return base::Unexpected(std::string("packet larger than 65535 bytes"));
  std::vector<uint8_t> out(total, 0);

  wire::Ipv4Header ip;
  ip.tos = tos_byte(p.ip);
  ip.total_len = static_cast<uint16_t>(total);
  ip.ttl = p.ip.ttl.value_or(64);
  ip.protocol = wire::kProtoTcp;
  ip.src = a.remote.addr;
  ip.dst = a.local.addr;
  ip.serialize({out.data(), wire::kIpv4MinHeader});

  uint8_t* t = out.data() + wire::kIpv4MinHeader;
  base::store_be16(t, a.remote.port);
  base::store_be16(t + 2, a.local.port);
  base::store_be32(t + 4, SeqMap::remote_to_live(p.seq.start));
  // packetdrill shifts the ACK field only when the ACK bit is set.
  uint32_t ack = p.ack.value_or(0);
  if (p.ack && p.flags.has(script::TcpFlags::kAck)) ack = map.local_to_live(ack);
  base::store_be32(t + 8, ack);
  t[12] = static_cast<uint8_t>(((tcp_hlen / 4) << 4) | (p.flags.has(script::TcpFlags::kAe) ? 1 : 0));
  t[13] = static_cast<uint8_t>(p.flags.bits & 0xff);
  base::store_be16(t + 14, p.win.value_or(0));
  base::store_be16(t + 18, p.urg.value_or(0));
  std::copy(opts->begin(), opts->end(), t + wire::kTcpMinHeader);
  wire::fill_tcp_checksum(a.remote.addr.value(), a.local.addr.value(), {t, tcp_len});
  return out;
}

std::vector<script::Packet> split_for_gso(const script::Packet& p, uint32_t mss) {
  using F = script::TcpFlags;
  if (mss == 0 || p.seq.len <= mss || p.flags.has(F::kSyn) || p.kind != script::PacketKind::Tcp) return {p};
  std::vector<script::Packet> out;
  for (uint32_t off = 0; off < p.seq.len; off += mss) {
    script::Packet s = p;
    uint32_t n = std::min(mss, p.seq.len - off);
    s.seq.start = p.seq.start + off;
    s.seq.len = n;
    s.seq.end = s.seq.start + n;
    if (off + n < p.seq.len) s.flags.bits = static_cast<uint16_t>(s.flags.bits & ~(F::kFin | F::kPsh));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace synack::pdrill

#include "pdrill/live_packet.h"

#include "pdrill/option_codec.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::pdrill {

namespace f = wire::tcp_flags;

bool LivePacket::syn() const { return flags & f::kSyn; }
bool LivePacket::rst() const { return flags & f::kRst; }
bool LivePacket::fin() const { return flags & f::kFin; }

LivePacket decode_live(const Captured& c) {
  LivePacket p;
  p.first_at = p.at = c.at;
  auto ip = wire::Ipv4View::parse(c.bytes);
  if (!ip) {
    p.error = "not a valid IPv4 packet (bad header or header checksum)";
    return p;
  }
  p.tos = ip->tos();
  p.ttl = ip->ttl();
  p.src = ip->src().value();
  p.dst = ip->dst().value();
  if (ip->protocol() != wire::kProtoTcp) {
    p.error = "IP protocol " + std::to_string(ip->protocol()) + ", not TCP";
    return p;
  }
  auto tcp = wire::TcpView::parse(ip->payload());
  if (!tcp) {
    p.error = "not a valid TCP segment";
    return p;
  }
  p.is_tcp = true;
  if (!wire::verify_tcp_checksum(p.src, p.dst, ip->payload())) p.error = "bad TCP checksum";
  p.sport = tcp->src_port();
  p.dport = tcp->dst_port();
  p.seq = tcp->seq();
  p.ack = tcp->ack();
  p.flags = tcp->flags();
  p.reserved = static_cast<uint8_t>(ip->payload()[12] & 0x0f);
  p.win = tcp->window();
  p.urg = tcp->urgent();
  auto ob = tcp->option_bytes();
  p.options.assign(ob.begin(), ob.end());
  auto pl = tcp->payload();
  p.payload.assign(pl.begin(), pl.end());
  return p;
}

bool can_merge(const LivePacket& acc, const LivePacket& next) {
  if (!acc.error.empty() || !next.error.empty() || !acc.is_tcp || !next.is_tcp) return false;
  if (acc.payload.empty() || next.payload.empty()) return false;
  if (acc.syn() || acc.rst() || acc.fin() || next.syn() || next.rst()) return false;
  return acc.sport == next.sport && acc.dport == next.dport && next.seq == acc.data_end();
}

void merge_into(LivePacket& acc, const LivePacket& next) {
  uint32_t seq = acc.seq;
  uint8_t sticky = static_cast<uint8_t>((acc.flags | next.flags) & (f::kFin | f::kPsh));
  std::vector<uint8_t> payload = std::move(acc.payload);
  payload.insert(payload.end(), next.payload.begin(), next.payload.end());
  base::Instant first = acc.first_at;
  int n = acc.fragments + 1;
  acc = next;
  acc.seq = seq;
  acc.flags = static_cast<uint8_t>((next.flags & ~(f::kFin | f::kPsh)) | sticky);
  acc.payload = std::move(payload);
  acc.first_at = first;
  acc.fragments = n;
}

namespace {
std::string flag_letters(uint8_t fl) {
  std::string s;
  if (fl & f::kSyn) s += 'S';
  if (fl & f::kFin) s += 'F';
  if (fl & f::kRst) s += 'R';
  if (fl & f::kPsh) s += 'P';
  if (fl & f::kUrg) s += 'U';
  if (fl & f::kEce) s += 'E';
  if (fl & f::kCwr) s += 'W';
  if (fl & f::kAck) s += '.';
  return s.empty() ? "-" : s;
}
}  // namespace

std::string describe_live(const LivePacket& p, const SeqMap& map) {
  if (!p.is_tcp) return "(" + p.error + ")";
  uint32_t rel = p.syn() ? 0 : map.local_to_script(p.seq);
  uint32_t len = static_cast<uint32_t>(p.payload.size());
  std::string s = flag_letters(p.flags) + " " + std::to_string(rel) + ":" + std::to_string(rel + len) +
                  "(" + std::to_string(len) + ")";
  if (p.flags & f::kAck) s += " ack " + std::to_string(p.ack);
  else if (p.ack != 0) s += " ack-field " + std::to_string(p.ack) + " (ACK bit off)";
  s += " win " + std::to_string(p.win);
  if (p.urg) s += " urg " + std::to_string(p.urg);
  if (!p.options.empty()) s += " " + describe_options(p.options);
  if (p.fragments > 1) s += " [" + std::to_string(p.fragments) + " segments merged]";
  if (!p.error.empty()) s += " (" + p.error + ")";
  return s;
}

}  // namespace synack::pdrill

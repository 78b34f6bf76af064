#include "trace/segment_info.h"

#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::trace {

namespace {
SegmentInfo fields(const tcp::Segment& s) {
  SegmentInfo i;
  i.seq = s.seq.value();
  i.ack = s.has_ack() ? s.ack.value() : 0;
  i.flags = s.flags;
  i.len = s.len();
  i.win = s.wnd;
  i.options = s.options;
  i.retransmission = s.retransmission;
  i.loss_probe = s.loss_probe;
  return i;
}
}  // namespace

SegmentInfo SegmentInfo::outgoing(const wire::FourTuple& t, const tcp::Segment& s) {
  SegmentInfo i = fields(s);
  i.src_port = t.local.port;
  i.dst_port = t.remote.port;
  return i;
}

SegmentInfo SegmentInfo::incoming(const wire::FourTuple& t, const tcp::Segment& s) {
  SegmentInfo i = fields(s);
  i.src_port = t.remote.port;
  i.dst_port = t.local.port;
  return i;
}

std::optional<SegmentInfo> SegmentInfo::decode(base::Bytes ip_packet) {
  auto ip = wire::Ipv4View::parse(ip_packet);
  if (!ip || ip->protocol() != wire::kProtoTcp || ip->is_fragment()) return std::nullopt;
  auto v = wire::TcpView::parse(ip->payload());
  if (!v) return std::nullopt;
  SegmentInfo i;
  i.src_port = v->src_port();
  i.dst_port = v->dst_port();
  i.seq = v->seq();
  i.flags = v->flags();
  i.ack = (i.flags & tcp::flags::kAck) ? v->ack() : 0;
  i.len = static_cast<uint32_t>(v->payload().size());
  i.win = v->window();
  i.options = v->options();
  return i;
}

bool SegmentInfo::same_wire(const SegmentInfo& o) const {
  return src_port == o.src_port && dst_port == o.dst_port && seq == o.seq && ack == o.ack &&
         flags == o.flags && len == o.len && win == o.win && options == o.options;
}

std::string describe_options(const wire::TcpOptions& o) {
  std::string s;
  auto add = [&](const std::string& part) {
    s += s.empty() ? "<" : ",";
    s += part;
  };
  if (o.mss) add("mss " + std::to_string(*o.mss));
  if (o.window_scale) add("ws " + std::to_string(*o.window_scale));
  if (o.sack_permitted) add("sack_ok");
  if (o.timestamps) add("ts " + std::to_string(o.timestamps->val) + " " + std::to_string(o.timestamps->ecr));
  if (!o.sack_blocks().empty()) {
    std::string b = "sack";
    for (const auto& blk : o.sack_blocks()) b += " " + std::to_string(blk.left) + "-" + std::to_string(blk.right);
    add(b);
  }
  if (!s.empty()) s += ">";
  return s;
}

std::string SegmentInfo::describe() const {
  std::string s = wire::flags_to_string(flags) + " seq=" + std::to_string(seq);
  if (has_ack()) s += " ack=" + std::to_string(ack);
  s += " len=" + std::to_string(len) + " win=" + std::to_string(win);
  std::string o = describe_options(options);
  if (!o.empty()) s += " " + o;
  return s;
}

}  // namespace synack::trace

// Packet output: TCP segments from connections and control replies (RST, ACKs
// of TIME-WAIT records) become IPv4 packets in the stack's out queue. Headers
// are written backwards in front of the payload, which the connection copied
// straight into the packet buffer: one copy per payload byte.
#include <algorithm>

#include "stack/stack.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::stack {

namespace {
// Room in front of the payload for the largest IPv4 + TCP headers we write.
constexpr size_t kHeadroom = wire::kIpv4MinHeader + wire::kTcpMinHeader + wire::kMaxOptionBytes;
}  // namespace

Stack::PacketBuf& Stack::next_packet() {
  if (packet_free_.empty()) {
    auto p = std::make_unique<PacketBuf>();
    p->data.resize(kHeadroom + cfg_.mtu);
    packet_free_.push_back(p.get());
    packet_store_.push_back(std::move(p));
  }
  return *packet_free_.back();
}

Stack::PacketBuf& Stack::take_packet() {
  PacketBuf& pb = next_packet();
  packet_free_.pop_back();
  return pb;
}

std::optional<base::Bytes> Stack::poll_transmit() {
  if (last_out_) {
    packet_free_.push_back(last_out_);
    last_out_ = nullptr;
  }
  flush_dirty();
  auto p = out_.pop();
  if (!p) return std::nullopt;
  last_out_ = *p;
  return base::Bytes(last_out_->data.data() + last_out_->off, last_out_->len);
}

void Stack::flush_conn(uint32_t idx, Instant now) {
  Slot& s = slot(idx);
  size_t max_payload = static_cast<size_t>(cfg_.mtu) - wire::kIpv4MinHeader - wire::kTcpMinHeader;
  tcp::Segment seg;  // refilled by each poll_transmit that returns true
  for (int guard = 0; guard < 1'000'000; ++guard) {
    // The connection writes its payload into the next free buffer, which
    // leaves the pool only if a segment comes out: most flushes (after an
    // ACK, or the last call of this loop) send nothing.
    PacketBuf& pb = next_packet();
    if (!s.conn->poll_transmit(now, base::MutBytes(pb.data.data() + kHeadroom, max_payload), seg)) return;
    packet_free_.pop_back();
    emit_segment(now, s.conn->tuple(), seg, pb, kHeadroom);
  }
}

void Stack::emit_segment(Instant now, const FourTuple& t, const tcp::Segment& seg, PacketBuf& pb,
                         size_t payload_off) {
  wire::TcpHeader h;
  h.src_port = t.local.port;
  h.dst_port = t.remote.port;
  h.seq = seg.seq.value();
  h.ack = seg.has_ack() ? seg.ack.value() : 0;
  h.flags = seg.flags;
  h.window = seg.wnd;
  h.urgent = seg.urg;
  size_t hlen = wire::kTcpMinHeader + seg.options.wire_size();
  size_t tcp_off = payload_off - hlen;
  size_t ip_off = tcp_off - wire::kIpv4MinHeader;
  uint8_t* base_ptr = pb.data.data();
  h.serialize({base_ptr + tcp_off, hlen}, seg.options);
  size_t tcp_len = hlen + seg.payload.size();
  wire::fill_tcp_checksum(t.local.addr.value(), t.remote.addr.value(), {base_ptr + tcp_off, tcp_len});
  wire::Ipv4Header ip;
  ip.total_len = static_cast<uint16_t>(wire::kIpv4MinHeader + tcp_len);
  ip.id = ip_id_++;
  ip.ttl = cfg_.tcp.ttl;
  ip.protocol = wire::kProtoTcp;
  ip.src = t.local.addr;
  ip.dst = t.remote.addr;
  ip.serialize({base_ptr + ip_off, wire::kIpv4MinHeader});
  pb.off = ip_off;
  pb.len = ip.total_len;
  out_.push(&pb);
  ++counters_.ip_out;
  ++counters_.tcp_out;
  if (seg.rst()) ++counters_.rst_out;
  if (observer_) observer_->on_send(now, t, seg);
}

void Stack::send_control(Instant now, const FourTuple& t, const tcp::Segment& seg) {
  PacketBuf& pb = take_packet();
  emit_segment(now, t, seg, pb, kHeadroom);
}

}  // namespace synack::stack

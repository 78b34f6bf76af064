// Packet output: TCP segments from connections and control replies (RST, ACKs
// of TIME-WAIT records) become IPv4 packets in the stack's out queue. Headers
// are written backwards in front of the payload, which the connection copied
// straight into the packet buffer: one copy per payload byte.
#include <algorithm>

#include "stack/stack.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"
#include "wire/tcp_packet.h"

namespace synack::stack {

namespace {
constexpr size_t kHeadroom = Stack::kTransmitHeadroom;
static_assert(kHeadroom == wire::kIpv4MinHeader + wire::kTcpMinHeader + wire::kMaxOptionBytes);
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

void Stack::release_last_out() {
  if (last_out_) packet_free_.push_back(std::exchange(last_out_, nullptr));
}

std::optional<base::Bytes> Stack::copy_out_head(base::MutBytes buf) {
  if (out_.empty() || out_.front()->len > buf.size()) return std::nullopt;
  PacketBuf* pb = *out_.pop();
  std::copy_n(pb->data.data() + pb->off, pb->len, buf.data());
  packet_free_.push_back(pb);
  return base::Bytes(buf.data(), pb->len);
}

std::optional<base::Bytes> Stack::poll_transmit() {
  release_last_out();
  flush_dirty();
  auto p = out_.pop();
  if (!p) return std::nullopt;
  last_out_ = *p;
  return base::Bytes(last_out_->data.data() + last_out_->off, last_out_->len);
}

std::optional<base::Bytes> Stack::poll_transmit_into(base::MutBytes buf) {
  release_last_out();
  if (buf.size() < transmit_buffer_bytes()) {
    // Too small to build in: build as poll_transmit does and copy what fits.
    flush_dirty();
    return copy_out_head(buf);
  }
  // Packets already queued (control replies, ICMP) go first, copied. (The
  // empty test is inline here: most calls find the queue empty.)
  if (!out_.empty()) {
    if (auto p = copy_out_head(buf)) return p;
  }
  // Then the dirty connections, one segment per call, each built in `buf`.
  tcp::Segment& seg = tx_seg_;
  for (;;) {
    if (flushing_ == kNotFlushing) {
      if ((flushing_ = next_dirty()) == kNotFlushing) return std::nullopt;
    }
    Slot& s = slot(flushing_);
    if (s.conn && s.conn->poll_transmit(last_now_, base::MutBytes(buf.data() + kHeadroom, max_payload()), seg)) {
      uint8_t* payload_at = buf.data() + kHeadroom;
      uint8_t* ip = write_segment(last_now_, s.conn->tuple(), seg, payload_at, s.ip_tos, s.ip_ttl);
      if (!s.conn->may_send_more()) {
        // Done with this connection now rather than at the next call, whose
        // poll would find nothing (most segments are a connection's last:
        // an ACK, a SYN, a short reply). after_flush may free the slot; the
        // packet is already written.
        after_flush(std::exchange(flushing_, kNotFlushing), last_now_);
      }
      return base::Bytes(ip, static_cast<size_t>(payload_at + seg.payload.size() - ip));
    }
    uint32_t idx = std::exchange(flushing_, kNotFlushing);
    if (s.conn) after_flush(idx, last_now_);
  }
}

void Stack::flush_conn(uint32_t idx, Instant now) {
  Slot& s = slot(idx);
  tcp::Segment& seg = tx_seg_;  // not zero-filled for every flush
  for (int guard = 0; guard < 1'000'000; ++guard) {
    // The connection writes its payload into the next free buffer, which
    // leaves the pool only if a segment comes out: most flushes (after an
    // ACK, or the last call of this loop) send nothing.
    PacketBuf& pb = next_packet();
    if (!s.conn->poll_transmit(now, base::MutBytes(pb.data.data() + kHeadroom, max_payload()), seg)) return;
    packet_free_.pop_back();
    emit_segment(now, s.conn->tuple(), seg, pb, kHeadroom, s.ip_tos, s.ip_ttl);
    if (!s.conn->may_send_more()) return;  // as poll_transmit_into: no poll that would find nothing
  }
}

void Stack::emit_segment(Instant now, const FourTuple& t, const tcp::Segment& seg, PacketBuf& pb,
                         size_t payload_off, uint8_t tos, uint8_t ttl) {
  uint8_t* base_ptr = pb.data.data();
  uint8_t* ip = write_segment(now, t, seg, base_ptr + payload_off, tos, ttl);
  pb.off = static_cast<size_t>(ip - base_ptr);
  pb.len = payload_off + seg.payload.size() - pb.off;
  out_.push(&pb);
}

uint8_t* Stack::write_segment(Instant now, const FourTuple& t, const tcp::Segment& seg, uint8_t* payload_at,
                              uint8_t tos, uint8_t ttl) {
  wire::TcpPacketFields f;
  f.src = t.local.addr;
  f.dst = t.remote.addr;
  f.src_port = t.local.port;
  f.dst_port = t.remote.port;
  f.seq = seg.seq.value();
  f.ack = seg.has_ack() ? seg.ack.value() : 0;
  f.flags = seg.flags;
  f.window = seg.wnd;
  f.urgent = seg.urg;
  f.ip_id = ip_id_++;
  f.tos = tos | seg.ecn;  // the connection's ECN codepoint (RFC 3168 §5) beside the DSCP
  f.ttl = ttl ? ttl : cfg_.tcp.ttl;
  f.payload_summed = seg.payload_summed;
  f.payload_sum = seg.payload_sum;
  uint8_t* ip = wire::write_tcp_ipv4_headers(f, seg.options, payload_at, seg.payload.size());
  ++counters_.ip_out;
  ++counters_.tcp_out;
  if (seg.rst()) ++counters_.rst_out;
  if (observer_) observer_->on_send(now, t, seg);
  return ip;
}

void Stack::send_control(Instant now, const FourTuple& t, const tcp::Segment& seg, uint8_t tos) {
  PacketBuf& pb = take_packet();
  emit_segment(now, t, seg, pb, kHeadroom, tos);
}

}  // namespace synack::stack

// Packet input: IPv4 checks, ICMP echo, TCP demultiplexing (connection,
// TIME-WAIT record, listener, or RST for no connection).
#include <algorithm>

#include "base/bytes.h"
#include "base/prefetch.h"
#include "stack/stack.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::stack {

namespace {
tcp::DropReason reason_for(wire::ParseError e) {
  switch (e) {
    case wire::ParseError::Ipv4BadChecksum:
    case wire::ParseError::TcpBadChecksum:
      return tcp::DropReason::BadChecksum;
    default:
      return tcp::DropReason::Malformed;
  }
}
}  // namespace

void Stack::prefetch(base::Bytes packet, Prefetch what) const {
  // Only the fields demux reads, from a packet not yet checked: anything that
  // does not look like an IPv4 TCP segment is simply not prefetched.
  if (packet.size() < 20 || (packet[0] >> 4) != 4 || packet[9] != 6) return;
  size_t ihl = size_t{packet[0] & 0x0fu} * 4;
  if (ihl < 20 || packet.size() < ihl + 4) return;
  const uint8_t* p = packet.data();
  FourTuple t{{Ipv4Addr(base::load_be32(p + 16)), base::load_be16(p + ihl + 2)},
              {Ipv4Addr(base::load_be32(p + 12)), base::load_be16(p + ihl)}};
  if (what == Prefetch::Demux) {
    conns_.prefetch(t);
    return;
  }
  uint32_t idx = conns_.guess(t);
  if (idx == decltype(conns_)::kEmpty || idx >= slot_count_) return;
  const Slot& s = slot(idx);
  // The slot and the control block span three lines (tcp::Connection is 160 bytes).
  const char* line = reinterpret_cast<const char*>(&s);
  for (size_t off = 0; off < sizeof(Slot); off += 64) base::prefetch(line + off);
  wheel_.prefetch(idx);  // most segments move the connection's deadline
}

void Stack::on_packet(Instant now, base::Bytes packet) {
  last_now_ = now;
  ++counters_.ip_in;
  auto drop = [&](tcp::DropReason r) {
    counters_.count_drop(r);
    if (observer_) observer_->on_packet_drop(now, packet, r);
  };
  auto ip = wire::Ipv4View::parse(packet);
  if (!ip) {
    ++counters_.parse_errors[static_cast<size_t>(ip.error())];
    drop(reason_for(ip.error()));
    return;
  }
  if (ip->dst() != cfg_.addr) return drop(tcp::DropReason::NotForUs);
  // We do not reassemble fragments; TCP avoids them with the MSS and DF.
  if (ip->is_fragment()) return drop(tcp::DropReason::Fragment);
  // MUST-63: ignore segments whose source address is not a unicast address.
  Ipv4Addr src = ip->src();
  if (src.is_unspecified() || src.is_broadcast() || src.is_multicast())
    return drop(tcp::DropReason::BadAddress);
  switch (ip->protocol()) {
    case wire::kProtoTcp:
      tcp_input(now, src, ip->dst(), ip->payload(), packet);
      return;
    case wire::kProtoIcmp:
      icmp_input(now, src, ip->payload(), packet);
      return;
    default:
      drop(tcp::DropReason::UnsupportedProtocol);
      return;
  }
}

void Stack::tcp_input(Instant now, Ipv4Addr src, Ipv4Addr dst, base::Bytes bytes, base::Bytes packet) {
  auto v = tcp::Segment::parse(bytes);
  if (!v) {
    ++counters_.parse_errors[static_cast<size_t>(v.error())];
    counters_.count_drop(tcp::DropReason::Malformed);
    if (observer_) observer_->on_packet_drop(now, packet, tcp::DropReason::Malformed);
    return;
  }
  // MUST-3: verify the checksum; a bad segment is dropped and counted, never delivered.
  if (!wire::verify_tcp_checksum(src.value(), dst.value(), bytes)) {
    ++counters_.parse_errors[static_cast<size_t>(wire::ParseError::TcpBadChecksum)];
    counters_.count_drop(tcp::DropReason::BadChecksum);
    if (observer_) observer_->on_packet_drop(now, packet, tcp::DropReason::BadChecksum);
    return;
  }
  ++counters_.tcp_in;
  v->ecn = packet[1] & 3;  // the IPv4 ECN field (RFC 3168 §5), for the connection
  const tcp::Segment& seg = *v;
  // The ports, bytes 0-3 of a header Segment::parse has checked.
  FourTuple t{{dst, base::load_be16(bytes.data() + 2)}, {src, base::load_be16(bytes.data())}};
  if (seg.syn() && seg.fin() && cfg_.tcp.drop_synfin) {
    // Policy (FreeBSD's net.inet.tcp.drop_synfin): SYN+FIN is dropped before
    // any connection, TIME-WAIT record or listener sees it.
    counters_.count_drop(tcp::DropReason::SynFinDropped);
    if (observer_) observer_->on_receive(now, t, seg, tcp::DropReason::SynFinDropped);
    return;
  }

  if (const uint32_t* found = conns_.find(t)) {
    uint32_t idx = *found;
    Slot& s = slot(idx);
    tcp::Connection& c = *s.conn;
    bool reopen = c.state() == tcp::State::TimeWait && seg.syn() && !seg.has_ack() &&
                  seg.seq.after(c.rcv().nxt) && listeners_.find(PortKey{t.local.port});
    if (!reopen) {
      s.rx_tos = packet[1];  // MAY-9: the last DSCP received, for the application
      tcp::DropReason r = c.on_segment(now, seg);
      if (r != tcp::DropReason::None) counters_.count_drop(r);
      if (observer_) observer_->on_receive(now, t, seg, r);
      after_conn(idx, now);
      return;
    }
    // A new SYN above RCV.NXT ends TIME-WAIT early (RFC 9293 MAY-2, RFC 6191).
    c.abort(now);
    s.app_owned = false;
    after_conn(idx, now);
    if (conns_.find(t)) free_slot(idx);
    ++counters_.time_wait_reused;
  } else if (time_wait_input(now, t, seg)) {
    return;
  }
  if (Listener** l = listeners_.find(PortKey{t.local.port})) {
    listener_input(now, **l, t, seg);
    return;
  }
  no_connection(now, t, seg);
}

bool Stack::time_wait_input(Instant now, const FourTuple& t, const tcp::Segment& seg) {
  TimeWaitTable::Record* r = tw_.find(t);
  if (!r) return false;
  tcp::TimeWaitVars vars = r->vars();
  tcp::TimeWaitVerdict v = tcp::time_wait_on_segment(vars, seg, cfg_.tcp);
  if (v.action == tcp::TimeWaitAction::Reopen && listeners_.find(PortKey{t.local.port})) {
    tw_.erase(t);
    ++counters_.time_wait_reused;
    if (observer_) observer_->on_state_change(now, t, tcp::State::TimeWait, tcp::State::Closed, tcp::Cause::RecvSyn);
    return false;  // the listener takes the SYN
  }
  if (v.reason != tcp::DropReason::None) counters_.count_drop(v.reason);
  if (observer_) observer_->on_receive(now, t, seg, v.reason);
  tcp::Segment ack = tcp::time_wait_ack(vars, now, r->wnd_field);
  switch (v.action) {
    case tcp::TimeWaitAction::Ignore:
      break;
    case tcp::TimeWaitAction::Reopen:  // no listener: answer as TIME-WAIT does
    case tcp::TimeWaitAction::Ack:
      send_control(now, t, ack, r->tos);
      break;
    case tcp::TimeWaitAction::AckAndRestart:
      send_control(now, t, ack, r->tos);
      tw_.restart(t, now + cfg_.tcp.msl * 2);
      break;
    case tcp::TimeWaitAction::Close:
      tw_.erase(t);
      if (observer_) observer_->on_state_change(now, t, tcp::State::TimeWait, tcp::State::Closed, tcp::Cause::RecvRst);
      break;
  }
  return true;
}

void Stack::listener_input(Instant now, Listener& l, const FourTuple& t, const tcp::Segment& seg) {
  tcp::ListenVerdict v = tcp::listen_verdict(seg, cfg_.tcp);
  if (v.accept_syn && l.syn_count + l.accept_count >= l.backlog) {
    // Backlog full: drop the SYN without a RST so the client retries later
    // (as Linux does without SYN cookies).
    v.accept_syn = false;
    v.reason = tcp::DropReason::ListenQueueFull;
  } else if (v.accept_syn && at_connection_limit()) {
    v.accept_syn = false;  // the same: no RST, the client retries
    v.reason = tcp::DropReason::ConnectionLimit;
  }
  if (!v.accept_syn) {
    counters_.count_drop(v.reason);
    if (observer_) observer_->on_receive(now, t, seg, v.reason);
    if (v.reply) send_control(now, t, *v.reply);
    return;
  }
  uint32_t idx = alloc_slot();
  Slot& s = slot(idx);
  s.conn.emplace(env_, t);
  (void)s.conn->listen();
  apply(now, *s.conn, l.child_opts);  // before the SYN: the SYN,ACK's window and scale follow them
  s.ip_tos = tos_without_ecn(l.child_opts.ip_tos);  // the SYN,ACK too
  s.ip_ttl = l.child_opts.ip_ttl;
  while (s.conn->poll_event()) {
  }  // CLOSED -> LISTEN of a child is not news to anybody
  conns_.put(t, idx);
  s.listener_port = l.port;
  s.in_syn_queue = true;
  ++l.syn_count;
  s.child_prev = 0xffffffffu;
  s.child_next = l.children;
  if (l.children != 0xffffffffu) slot(l.children).child_prev = idx;
  l.children = idx;
  ++counters_.passive_opens;
  tcp::DropReason r = s.conn->on_segment(now, seg);
  if (observer_) observer_->on_receive(now, t, seg, r);
  after_conn(idx, now);
}

void Stack::icmp_error_input(Instant now, base::Bytes msg) {
  // The error quotes our IPv4 header and at least 8 bytes of TCP header: ports
  // and SEG.SEQ (RFC 792). The quote is truncated, so it is read by hand.
  ++counters_.icmp_errors_in;
  base::Bytes quote = msg.subspan(8);
  if (quote.size() < wire::kIpv4MinHeader || (quote[0] >> 4) != 4) return;
  size_t ihl = static_cast<size_t>(quote[0] & 0x0f) * 4;
  if (ihl < wire::kIpv4MinHeader || quote.size() < ihl + 8 || quote[9] != wire::kProtoTcp) return;
  FourTuple t{{Ipv4Addr(base::load_be32(&quote[12])), base::load_be16(&quote[ihl])},
              {Ipv4Addr(base::load_be32(&quote[16])), base::load_be16(&quote[ihl + 2])}};
  const uint32_t* idx = conns_.find(t);
  if (!idx) return;
  tcp::IcmpReport r;
  r.type = msg[0];
  r.code = msg[1];
  r.seq = tcp::SeqNum(base::load_be32(&quote[ihl + 4]));
  if (r.type == 3 && r.code == 4) r.next_hop_mtu = base::load_be16(&msg[6]);  // RFC 1191
  uint32_t i = *idx;
  if (slot(i).conn->on_icmp_error(now, r)) ++counters_.icmp_errors_used;
  after_conn(i, now);
}

void Stack::no_connection(Instant now, const FourTuple& t, const tcp::Segment& seg) {
  // §3.10.7.1: no TCB. A RST is dropped; anything else gets a RST.
  counters_.count_drop(tcp::DropReason::NoConnection);
  if (observer_) observer_->on_receive(now, t, seg, tcp::DropReason::NoConnection);
  if (auto r = tcp::reset_for(seg)) send_control(now, t, *r);
}

void Stack::icmp_input(Instant now, Ipv4Addr src, base::Bytes msg, base::Bytes packet) {
  // Echo request (type 8) -> echo reply (type 0), RFC 792; errors about our
  // TCP segments go to their connection (RFC 9293 §3.9.2.2, MUST-54).
  if (msg.size() < 8 || wire::checksum_finish(wire::checksum_partial(msg)) != 0) {
    counters_.count_drop(tcp::DropReason::BadChecksum);
    if (observer_) observer_->on_packet_drop(now, packet, tcp::DropReason::BadChecksum);
    return;
  }
  uint8_t type = msg[0];
  if (type == 3 || type == 11 || type == 12) {
    icmp_error_input(now, msg);
    return;
  }
  if (type != 8 || msg[1] != 0) {  // source quench (4) included: silently dropped (MUST-55)
    counters_.count_drop(tcp::DropReason::UnsupportedProtocol);
    if (observer_) observer_->on_packet_drop(now, packet, tcp::DropReason::UnsupportedProtocol);
    return;
  }
  if (msg.size() + wire::kIpv4MinHeader > cfg_.mtu) return;
  PacketBuf& pb = take_packet();
  size_t off = 80 - wire::kIpv4MinHeader;
  uint8_t* ip = pb.data.data() + off;
  uint8_t* icmp = ip + wire::kIpv4MinHeader;
  std::copy(msg.begin(), msg.end(), icmp);
  icmp[0] = 0;  // echo reply
  icmp[2] = icmp[3] = 0;
  base::store_be16(icmp + 2, wire::checksum_finish(wire::checksum_partial({icmp, msg.size()})));
  wire::Ipv4Header h;
  h.total_len = static_cast<uint16_t>(wire::kIpv4MinHeader + msg.size());
  h.id = ip_id_++;
  h.ttl = cfg_.tcp.ttl;
  h.protocol = wire::kProtoIcmp;
  h.src = cfg_.addr;
  h.dst = src;
  h.serialize({ip, wire::kIpv4MinHeader});
  pb.off = off;
  pb.len = h.total_len;
  out_.push(&pb);
  ++counters_.ip_out;
  ++counters_.icmp_echo_replies;
}

}  // namespace synack::stack

// stack::Stack: demultiplexing, listeners, RST for no connection, TIME-WAIT
// records, IP-level checks, ICMP echo, counters.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "common/stack_pair.h"
#include "stack/timer_wheel.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::testing {
namespace {

using base::Duration;
using tcp::State;

const wire::Endpoint kServer{wire::Ipv4Addr(10, 0, 0, 2), 80};

std::string read_all(stack::Stack& s, base::Instant now, stack::ConnId id) {
  std::string out;
  std::vector<uint8_t> buf(4096);
  for (;;) {
    auto r = s.recv(now, id, buf);
    if (!r || *r == 0) break;
    out.append(buf.begin(), buf.begin() + static_cast<long>(*r));
  }
  return out;
}

TEST(Stack, HandshakeDataAndCloseEndToEnd) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  auto c = p.a().connect(p.now(), kServer);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  EXPECT_EQ(p.a().connection(*c)->state(), State::Established);
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  std::string msg = "hello over synack";
  ASSERT_EQ(*p.a().send(p.now(), *c, base::as_bytes(msg.data(), msg.size())), msg.size());
  p.exchange();
  EXPECT_EQ(read_all(p.b(), p.now(), *s), msg);
  p.a().close(p.now(), *c);
  p.exchange();
  std::vector<uint8_t> buf(16);
  EXPECT_EQ(p.b().recv(p.now(), *s, buf).error(), tcp::Error::ConnectionClosing);
  p.b().close(p.now(), *s);
  p.exchange();
  // The client closed first: it holds a compact TIME-WAIT record, the server nothing.
  EXPECT_EQ(p.a().connection_count(), 0u);
  EXPECT_EQ(p.a().time_wait_count(), 1u);
  EXPECT_EQ(p.b().connection_count(), 0u);
  p.advance(Duration::seconds(61));
  EXPECT_EQ(p.a().time_wait_count(), 0u);
}

TEST(Stack, SegmentToClosedPortGetsRst_Rfc9293_3_10_7_1) {
  StackPair p;
  auto c = p.a().connect(p.now(), kServer);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  EXPECT_EQ(p.a().connection(*c)->state(), State::Closed);
  EXPECT_EQ(p.a().connection(*c)->error(), tcp::Error::ConnectionRefused);
  EXPECT_EQ(p.b().counters().rst_out, 1u);
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::NoConnection)], 1u);
  bool refused = false;
  while (auto e = p.a().poll_event())
    if (e->event.kind == tcp::EventKind::Closed) refused = e->event.error == tcp::Error::ConnectionRefused;
  EXPECT_TRUE(refused);
}

TEST(Stack, CorruptedSegmentIsDroppedAndCountedNeverDelivered_Rfc9293_MUST3) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = p.a().connect(p.now(), kServer);
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s);
  p.filter = [](std::vector<uint8_t>& pkt, bool to_b) {
    if (to_b && pkt.size() > 40) pkt.back() ^= 0x55;  // flip payload bits, checksum now wrong
    return true;
  };
  std::string msg = "abc";
  p.a().send(p.now(), *c, base::as_bytes(msg.data(), msg.size()));
  p.exchange();
  EXPECT_EQ(read_all(p.b(), p.now(), *s), "");
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::BadChecksum)], 1u);
  p.filter = nullptr;
  p.advance(Duration::seconds(2));  // retransmission gets through
  EXPECT_EQ(read_all(p.b(), p.now(), *s), "abc");
}

TEST(Stack, MalformedIpPacketsAreDroppedWithReason) {
  StackPair p;
  std::vector<uint8_t> junk = {0x45, 0, 0};  // too short
  p.b().on_packet(p.now(), junk);
  std::vector<uint8_t> v6(40, 0);
  v6[0] = 0x60;
  p.b().on_packet(p.now(), v6);
  EXPECT_EQ(p.b().counters().parse_errors[static_cast<size_t>(wire::ParseError::Ipv4TooShort)], 1u);
  EXPECT_EQ(p.b().counters().parse_errors[static_cast<size_t>(wire::ParseError::Ipv4BadVersion)], 1u);
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::Malformed)], 2u);
}

std::vector<uint8_t> ip_packet(wire::Ipv4Addr src, wire::Ipv4Addr dst, uint8_t proto,
                               std::vector<uint8_t> payload, bool fragment = false) {
  std::vector<uint8_t> pkt(20 + payload.size());
  wire::Ipv4Header h;
  h.total_len = static_cast<uint16_t>(pkt.size());
  h.src = src;
  h.dst = dst;
  h.protocol = proto;
  h.serialize(pkt);
  if (fragment) {
    pkt[6] |= 0x20;  // MF
    pkt[10] = pkt[11] = 0;
    base::store_be16(&pkt[10], wire::checksum_finish(wire::checksum_partial({pkt.data(), 20})));
  }
  std::copy(payload.begin(), payload.end(), pkt.begin() + 20);
  return pkt;
}

TEST(Stack, FragmentsAndForeignAddressesAreDropped) {
  StackPair p;
  auto me = p.b().config().addr;
  p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(10, 0, 0, 1), me, wire::kProtoTcp, std::vector<uint8_t>(20), true));
  p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(10, 0, 0, 1), wire::Ipv4Addr(10, 9, 9, 9), wire::kProtoTcp, std::vector<uint8_t>(20)));
  p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(255, 255, 255, 255), me, wire::kProtoTcp, std::vector<uint8_t>(20)));
  p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(10, 0, 0, 1), me, wire::kProtoUdp, std::vector<uint8_t>(8)));
  const auto& d = p.b().counters().drops;
  EXPECT_EQ(d[static_cast<size_t>(tcp::DropReason::Fragment)], 1u);
  EXPECT_EQ(d[static_cast<size_t>(tcp::DropReason::NotForUs)], 1u);
  EXPECT_EQ(d[static_cast<size_t>(tcp::DropReason::BadAddress)], 1u);   // MUST-63
  EXPECT_EQ(d[static_cast<size_t>(tcp::DropReason::UnsupportedProtocol)], 1u);
  EXPECT_FALSE(p.b().poll_transmit().has_value());
}

TEST(Stack, IcmpEchoIsAnswered_Rfc792) {
  StackPair p;
  std::vector<uint8_t> echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
  base::store_be16(&echo[2], wire::checksum_finish(wire::checksum_partial(echo)));
  p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(10, 0, 0, 1), p.b().config().addr, wire::kProtoIcmp, echo));
  auto reply = p.b().poll_transmit();
  ASSERT_TRUE(reply);
  auto ip = wire::Ipv4View::parse(*reply);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->dst(), wire::Ipv4Addr(10, 0, 0, 1));
  auto m = ip->payload();
  EXPECT_EQ(m[0], 0);  // echo reply
  EXPECT_EQ(m[4], 0x12);
  EXPECT_EQ(m.back(), 'g');
  EXPECT_EQ(wire::checksum_finish(wire::checksum_partial(m)), 0);
}

TEST(Stack, BacklogFullDropsSynsWithoutRst) {
  StackPair p;
  p.b().listen(80, 2);
  std::vector<stack::ConnId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(*p.a().connect(p.now(), kServer));
  p.exchange();
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::ListenQueueFull)], 1u);
  EXPECT_EQ(p.b().counters().rst_out, 0u);
  EXPECT_EQ(p.a().connection(ids[2])->state(), State::SynSent);
  // Once the application accepts, the third client's retransmitted SYN gets in.
  ASSERT_TRUE(p.b().accept(80));
  ASSERT_TRUE(p.b().accept(80));
  p.advance(Duration::seconds(2));
  EXPECT_EQ(p.a().connection(ids[2])->state(), State::Established);
}

// StackConfig::max_connections bounds the full connections of a stack;
// TIME-WAIT records do not count. connect() fails with a typed error.
TEST(Stack, ConnectionLimitRefusesConnectButNotForTimeWaitRecords) {
  stack::StackConfig cfg;
  cfg.max_connections = 1;
  StackPair p(cfg);
  p.b().listen(80, 8);
  auto c1 = p.a().connect(p.now(), kServer);
  ASSERT_TRUE(c1);
  auto c2 = p.a().connect(p.now(), kServer);
  ASSERT_FALSE(c2);
  EXPECT_EQ(c2.error(), stack::StackError::TooManyConnections);
  EXPECT_EQ(stack::to_string(c2.error()), "too many connections");
  p.exchange();
  auto s1 = p.b().accept(80);
  ASSERT_TRUE(s1);
  p.a().close(p.now(), *c1);
  p.exchange();
  p.b().close(p.now(), *s1);
  p.exchange();
  EXPECT_EQ(p.a().connection_count(), 0u);
  EXPECT_EQ(p.a().time_wait_count(), 1u);
  EXPECT_TRUE(p.a().connect(p.now(), kServer));  // the TIME-WAIT record does not count
}

// At the limit a listener drops new SYNs without a RST, counted, so the
// client retries and gets in once a connection has gone (as with a full
// backlog).
TEST(Stack, ConnectionLimitDropsSynsWithoutRst) {
  stack::StackConfig limited;
  limited.max_connections = 2;
  StackPair p(stack::StackConfig{}, limited);
  p.b().listen(80, 8);
  std::vector<stack::ConnId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(*p.a().connect(p.now(), kServer));
  p.exchange();
  EXPECT_EQ(p.b().connection_count(), 2u);
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::ConnectionLimit)], 1u);
  EXPECT_EQ(p.b().counters().rst_out, 0u);
  EXPECT_EQ(p.a().connection(ids[2])->state(), State::SynSent);
  // The server closes one connection (the client closes its end too).
  auto s1 = p.b().accept(80);
  ASSERT_TRUE(s1);
  p.b().close(p.now(), *s1);
  p.exchange();
  p.a().close(p.now(), ids[0]);
  p.exchange();
  EXPECT_EQ(p.b().connection_count(), 1u);
  p.advance(Duration::seconds(2));  // the SYN's retransmission
  EXPECT_EQ(p.a().connection(ids[2])->state(), State::Established);
  EXPECT_EQ(p.b().connection_count(), 2u);
}

TEST(Stack, EphemeralPortsDifferAndDemuxIsPerTuple_Rfc6056) {
  StackPair p;
  p.b().listen(80, 1000);
  std::set<uint16_t> ports;
  std::vector<stack::ConnId> ids;
  for (int i = 0; i < 500; ++i) {
    auto c = p.a().connect(p.now(), kServer);
    ASSERT_TRUE(c);
    ids.push_back(*c);
    ports.insert(p.a().connection(*c)->tuple().local.port);
  }
  EXPECT_EQ(ports.size(), 500u);
  for (auto port : ports) {
    EXPECT_GE(port, 49152);
  }
  p.exchange();
  int established = 0;
  for (auto id : ids) established += p.a().connection(id)->state() == State::Established;
  EXPECT_EQ(established, 500);
  EXPECT_EQ(p.b().connection_count(), 500u);
}

TEST(Stack, TimeWaitRecordAcksRetransmittedFin_Rfc9293_3_10_7_4) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  auto s = *p.b().accept(80);
  p.a().close(p.now(), c);
  p.exchange();
  // Lose the client's final ACK: the server retransmits its FIN to the record.
  int dropped = 0;
  p.filter = [&](std::vector<uint8_t>&, bool to_b) { return !(to_b && dropped++ == 0); };
  p.b().close(p.now(), s);
  p.exchange();
  EXPECT_EQ(p.a().time_wait_count(), 1u);
  EXPECT_EQ(p.b().connection_count(), 1u);  // LAST-ACK, waiting
  p.advance(Duration::seconds(3));
  EXPECT_EQ(p.b().connection_count(), 0u);  // the record ACKed the retransmitted FIN
}

// The TIME-WAIT record keeps the connection's TOS (RFC 9293 §3.9.1.9
// MUST-48; Linux's tw_tos): the ACK of a retransmitted FIN, sent by the
// compact record after the control block is gone, has the DSCP the
// connection's other segments had.
TEST(Stack, TimeWaitRecordAcksWithTheConnectionsTos_Rfc9293_3_9_1_9_MUST48) {
  StackPair p;
  p.b().listen(80, 8);
  stack::ConnOptions opts;
  opts.ip_tos = 0x48;  // DSCP AF21
  auto c = *p.a().connect(p.now(), kServer, 0, opts);
  p.exchange();
  auto s = *p.b().accept(80);
  p.a().close(p.now(), c);
  p.exchange();
  std::vector<uint8_t> to_b_tos;  // the TOS of every packet the client sends from here on
  p.filter = [&](std::vector<uint8_t>& pkt, bool to_b) {
    if (!to_b) return true;
    to_b_tos.push_back(pkt[1]);
    return to_b_tos.size() > 1;  // lose the client's first ACK of the FIN
  };
  p.b().close(p.now(), s);
  p.exchange();
  ASSERT_EQ(p.a().time_wait_count(), 1u);
  ASSERT_EQ(p.a().connection_count(), 0u);  // only the record answers now
  p.advance(Duration::seconds(3));
  EXPECT_EQ(p.b().connection_count(), 0u);  // the record ACKed the retransmitted FIN
  ASSERT_EQ(to_b_tos.size(), 2u);
  EXPECT_EQ(to_b_tos[0], 0x48);  // from the connection
  EXPECT_EQ(to_b_tos[1], 0x48);  // from the TIME-WAIT record
}

TEST(Stack, NewSynReopensTimeWait_Rfc9293_MAY2_Rfc6191) {
  stack::StackConfig cfg;
  StackPair p(cfg);
  p.a().listen(8080, 8);
  // b connects to a, a closes first: a holds TIME-WAIT for the tuple.
  auto c = *p.b().connect(p.now(), {wire::Ipv4Addr(10, 0, 0, 1), 8080}, 5555);
  p.exchange();
  auto s = *p.a().accept(8080);
  p.a().close(p.now(), s);
  p.exchange();
  p.b().close(p.now(), c);
  p.exchange();
  ASSERT_EQ(p.a().time_wait_count(), 1u);
  // Same 4-tuple again: b's new ISN (FixedIsn 300) is not above RCV.NXT ... so
  // use a fresh pair of ISNs through a new stack is not possible here; instead
  // check the SYN with a higher sequence number via the TIME-WAIT rules.
  tcp::TimeWaitVars tw{base::SeqNum(1), base::SeqNum(1000), 100};
  tcp::Segment syn;
  syn.flags = tcp::flags::kSyn;
  syn.seq = base::SeqNum(5000);
  EXPECT_EQ(tcp::time_wait_on_segment(tw, syn, cfg.tcp).action, tcp::TimeWaitAction::Reopen);
  syn.seq = base::SeqNum(10);
  EXPECT_EQ(tcp::time_wait_on_segment(tw, syn, cfg.tcp).action, tcp::TimeWaitAction::Ack);
}

TEST(Stack, CloseListenerResetsPendingChildren) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  ASSERT_TRUE(p.b().close_listener(p.now(), 80).has_value());
  p.exchange();
  EXPECT_EQ(p.a().connection(c)->state(), State::Closed);
  EXPECT_EQ(p.a().connection(c)->error(), tcp::Error::ConnectionReset);
  EXPECT_EQ(p.b().connection_count(), 0u);
}

TEST(Stack, BufferSizesReachConnectionsBeforeTheirSyn_Rfc7323_2_2) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  // The listener's sizes go to each connection it accepts before the SYN,ACK
  // is built; the client's before its SYN. 8000 and 16384 bytes need no
  // scaling, so both ends offer shift 0 (the default 256 KiB would give 3).
  ASSERT_TRUE(p.b().set_listener_options(80, {3000, 8000}).has_value());
  auto c = p.a().connect(p.now(), kServer, 0, {0, 16384});
  ASSERT_TRUE(c.has_value());
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  const tcp::Connection* server = p.b().connection(*s);
  const tcp::Connection* client = p.a().connection(*c);
  EXPECT_EQ(server->send_buffer(), 3000u);
  EXPECT_EQ(server->recv_buffer(), 8760u);  // whole segments of 1460
  EXPECT_EQ(server->rcv().wscale, 0);
  EXPECT_EQ(client->snd().wscale, 0);       // what the server offered
  EXPECT_EQ(client->rcv().wscale, 0);
  EXPECT_EQ(client->recv_buffer(), 17520u);
  EXPECT_EQ(client->send_buffer(), p.a().config().tcp.send_buffer);
  // Out of range, or no such listener: refused, nothing changes.
  EXPECT_EQ(p.b().set_listener_options(80, {0, tcp::Connection::kMaxBuffer + 1}).error(),
            stack::StackError::InvalidArgument);
  EXPECT_EQ(p.b().set_listener_options(81, {1000, 1000}).error(), stack::StackError::NoSuchListener);
  EXPECT_EQ(p.a().connect(p.now(), kServer, 0, {tcp::Connection::kMaxBuffer + 1, 0}).error(),
            stack::StackError::InvalidArgument);
}

// RFC 9293 §3.7.4 MUST-17 and §3.8.3 MUST-21 through ConnOptions: Nagle off
// and the connection's own R2, set before the SYN for connect() and before the
// SYN,ACK for a listener's children (as Linux's accepted sockets inherit
// TCP_NODELAY and TCP_USER_TIMEOUT); without them, Nagle and the stack's R2.
TEST(Stack, NodelayAndUserTimeoutReachConnectionsFromTheirSyn_Rfc9293_MUST17_MUST21) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  stack::ConnOptions opts;
  opts.nodelay = true;
  opts.user_timeout_ms = 3000;
  ASSERT_TRUE(p.b().set_listener_options(80, opts).has_value());
  auto c = p.a().connect(p.now(), kServer, 0, opts);
  auto plain = p.a().connect(p.now(), kServer, 0);
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE(plain.has_value());
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  for (const tcp::Connection* conn : {p.a().connection(*c), p.b().connection(*s)}) {
    EXPECT_FALSE(conn->nagle());
    EXPECT_EQ(conn->user_timeout(), Duration::seconds(3));
  }
  const tcp::Connection* other = p.a().connection(*plain);
  EXPECT_TRUE(other->nagle());
  EXPECT_EQ(other->user_timeout(), p.a().config().tcp.r2);
}

// A listener on B's port 80 with `server` options, one connection to it from
// A, the handshake done and the connection accepted: {A's id, B's id}, each
// empty if that step failed.
std::pair<std::optional<stack::ConnId>, std::optional<stack::ConnId>> connect_through_listener(
    StackPair& p, const stack::ConnOptions& server) {
  if (!p.b().listen(80, 8) || !p.b().set_listener_options(80, server)) return {};
  auto c = p.a().connect(p.now(), kServer, 0);
  if (!c) return {};
  p.exchange();
  return {*c, p.b().accept(80)};
}

// RFC 9293 §3.8.4 MUST-24 (keep-alive per connection) through ConnOptions:
// a listener's keep-alive, its parameters and the FIN-WAIT-2 timeout reach
// the connections it accepts from their SYN (as Linux's and FreeBSD's accepted
// sockets inherit SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT and
// TCP_LINGER2), and the child probes its idle peer after the idle time it was
// given, not the stack's two hours (MUST-27 lets the application set it).
TEST(Stack, ListenerKeepAliveAndFinWait2ReachChildren_Rfc9293_3_8_4_MUST24) {
  StackPair p;
  stack::ConnOptions opts;
  opts.keepalive = true;
  opts.keepalive_idle_s = 10;
  opts.keepalive_interval_s = 3;
  opts.keepalive_probes = 4;
  opts.fin_wait_2_s = 30;
  auto [c, s] = connect_through_listener(p, opts);
  ASSERT_TRUE(c && s);
  const tcp::Connection* child = p.b().connection(*s);
  EXPECT_TRUE(child->keepalive());
  EXPECT_EQ(child->keepalive_idle(), Duration::seconds(10));
  EXPECT_EQ(child->keepalive_interval(), Duration::seconds(3));
  EXPECT_EQ(child->keepalive_probes(), 4u);
  EXPECT_EQ(child->fin_wait_2_timeout(), Duration::seconds(30));
  const tcp::Connection* client = p.a().connection(*c);
  EXPECT_FALSE(client->keepalive());  // the client's own options: none
  EXPECT_EQ(client->fin_wait_2_timeout(), p.a().config().tcp.fin_wait_2_timeout);
  p.advance(Duration::seconds(11));  // idle longer than 10 s: one probe, answered
  EXPECT_EQ(p.b().connection(*s)->counters().keepalive_probes, 1u);
  EXPECT_EQ(p.b().connection(*s)->state(), tcp::State::Established);
  // Values out of Connection's ranges are refused, not clamped.
  stack::ConnOptions bad;
  bad.keepalive_probes = tcp::Connection::kMaxKeepAliveProbes + 1;
  EXPECT_EQ(p.b().set_listener_options(80, bad).error(), stack::StackError::InvalidArgument);
  bad = {};
  bad.fin_wait_2_s = tcp::Connection::kMaxFinWait2Secs + 1;
  EXPECT_EQ(p.a().connect(p.now(), kServer, 0, bad).error(), stack::StackError::InvalidArgument);
}

// TCP_DEFER_ACCEPT through a listener's options: the client's handshake
// completes on its side, but the server's connection stays in SYN-RECEIVED
// (its bare ACK set aside, counted as DropReason::DeferredAccept) and is not
// acceptable until the client's first data, which it then holds.
TEST(Stack, DeferAcceptMakesAConnectionAcceptableOnlyWithData_Rfc9293_3_10_7_4) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  stack::ConnOptions opts;
  opts.defer_accept_s = 5;
  ASSERT_TRUE(p.b().set_listener_options(80, opts).has_value());
  auto c = p.a().connect(p.now(), kServer, 0);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  EXPECT_EQ(p.a().connection(*c)->state(), tcp::State::Established);
  EXPECT_FALSE(p.b().accept(80).has_value());
  EXPECT_EQ(p.b().counters().drops[static_cast<size_t>(tcp::DropReason::DeferredAccept)], 1u);
  p.advance(Duration::seconds(2));  // within the deferral: still nothing to accept
  EXPECT_FALSE(p.b().accept(80).has_value());
  ASSERT_EQ(p.a().send(p.now(), *c, base::as_bytes("GET ", 4)).value(), 4u);
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(p.b().connection(*s)->state(), tcp::State::Established);
  EXPECT_EQ(p.b().connection(*s)->recv_available(), 4u);
}

// ConnOptions::no_options (TCP_NOOPT) on the client: its SYN offers nothing,
// so neither side uses timestamps, SACK or window scaling (RFC 7323 §2.2,
// §3.2; RFC 2018 §2), and the server, given no MSS option, sends segments of
// at most 536 bytes (RFC 9293 §3.7.1 MUST-15). A connection without the
// option, on the same stacks, negotiates everything.
TEST(Stack, NoOptionsConnectionNegotiatesNothing_Rfc9293_3_7_1_MUST15) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  stack::ConnOptions opts;
  opts.no_options = true;
  auto bare = p.a().connect(p.now(), kServer, 0, opts);
  auto full = p.a().connect(p.now(), kServer, 0);
  ASSERT_TRUE(bare.has_value());
  ASSERT_TRUE(full.has_value());
  p.exchange();
  auto s1 = p.b().accept(80);
  auto s2 = p.b().accept(80);
  ASSERT_TRUE(s1.has_value());
  ASSERT_TRUE(s2.has_value());
  const tcp::Connection* bare_client = p.a().connection(*bare);
  EXPECT_TRUE(bare_client->no_options());
  for (stack::ConnId id : {*s1, *s2}) {
    const tcp::Connection* srv = p.b().connection(id);
    bool is_bare = srv->tuple().remote.port == bare_client->tuple().local.port;
    EXPECT_EQ(srv->timestamps_enabled(), !is_bare);
    EXPECT_EQ(srv->sack_enabled(), !is_bare);
    EXPECT_EQ(srv->window_scaling_enabled(), !is_bare);
    if (is_bare) EXPECT_EQ(srv->snd().mss, 536u);
    else EXPECT_GT(srv->snd().mss, 536u);
  }
  EXPECT_FALSE(bare_client->timestamps_enabled());
  EXPECT_TRUE(p.a().connection(*full)->timestamps_enabled());
}

// RFC 9438 §4.6 against RFC 5681 §3.2: the congestion control chosen for a
// connection in ConnOptions (a client's before its SYN, a listener's for its
// children) is the one that answers a loss. The same transfer loses the same
// data packet twice, once under the stack's NewReno and once with CUBIC chosen
// on the connections. Up to the loss both are identical (the same slow
// start); then NewReno sets ssthresh = max(FlightSize / 2, 2 SMSS) (RFC 5681
// eq. 4) and CUBIC beta_cubic * cwnd = 0.7 cwnd. On this zero-delay link the
// flight when the loss is found is a few segments, well below the cwnd that
// the 16 KiB writes used, so NewReno's threshold is the 2 SMSS floor and
// CUBIC's is larger: if the option did not reach the connections, both runs
// would end alike.
TEST(Stack, CongestionControlIsChosenPerConnection_Rfc9438_4_6) {
  struct Outcome {
    tcp::CcAlgorithm client, server;
    uint32_t ssthresh, fast_retransmits;
    size_t received;
  };
  auto run = [](std::optional<tcp::CcAlgorithm> cc) {
    Outcome out{};
    StackPair p;
    EXPECT_TRUE(p.b().listen(80, 8).has_value());
    stack::ConnOptions opts;
    opts.congestion_control = cc;
    EXPECT_TRUE(p.b().set_listener_options(80, opts).has_value());
    auto c = p.a().connect(p.now(), kServer, 0, opts);
    EXPECT_TRUE(c.has_value());
    p.exchange();
    auto s = p.b().accept(80);
    EXPECT_TRUE(s.has_value());
    if (!c || !s) return out;
    out.client = p.a().connection(*c)->congestion_control();
    out.server = p.b().connection(*s)->congestion_control();
    int data_packets = 0;
    p.filter = [&](std::vector<uint8_t>& pkt, bool to_b) {
      // The 30th full-sized data packet from the client is lost, once.
      if (to_b && pkt.size() > 1000 && ++data_packets == 30) return false;
      return true;
    };
    const size_t total = 400'000;
    std::vector<uint8_t> chunk(16384, 0x5a), sink(65536);
    size_t sent = 0;
    for (int round = 0; round < 20000 && out.received < total; ++round) {
      if (sent < total) {
        auto r = p.a().send(p.now(), *c, {chunk.data(), std::min(chunk.size(), total - sent)});
        if (r) sent += *r;
      }
      p.advance(Duration::millis(1));
      for (;;) {
        auto r = p.b().recv(p.now(), *s, sink);
        if (!r || *r == 0) break;
        out.received += *r;
      }
    }
    const tcp::Connection* client = p.a().connection(*c);
    out.ssthresh = client->info().snd_ssthresh;
    out.fast_retransmits = client->counters().fast_retransmits;
    return out;
  };
  Outcome reno = run(std::nullopt);
  Outcome cubic = run(tcp::CcAlgorithm::Cubic);
  EXPECT_EQ(reno.client, tcp::CcAlgorithm::NewReno);  // the stack's default
  EXPECT_EQ(reno.server, tcp::CcAlgorithm::NewReno);
  EXPECT_EQ(cubic.client, tcp::CcAlgorithm::Cubic);   // connect()'s options
  EXPECT_EQ(cubic.server, tcp::CcAlgorithm::Cubic);   // the listener's, for its child
  EXPECT_EQ(reno.received, 400'000u);
  EXPECT_EQ(cubic.received, 400'000u);
  EXPECT_EQ(reno.fast_retransmits, 1u);  // the loss was repaired the same way
  EXPECT_EQ(cubic.fast_retransmits, 1u);
  ASSERT_NE(reno.ssthresh, 0xffffffffu);  // both reacted to it
  ASSERT_NE(cubic.ssthresh, 0xffffffffu);
  EXPECT_GT(cubic.ssthresh, reno.ssthresh);
}

// RFC 9293 §3.9.1.9: the application sets the Diffserv field of its
// connection's segments (MUST-48), may change it mid-connection (SHLD-21), and
// TCP hands it to IP unchanged (SHLD-22); the TTL is configurable (§3.9.2
// MUST-49), here per connection (IP_TTL). A listener's options reach its
// children from the SYN,ACK on; a segment that finds no connection gets the
// stack's defaults. The application can read the TOS last received (MAY-9).
TEST(Stack, ConnectionsCarryTheirOwnTosAndTtl_Rfc9293_3_9_1_9_MUST48_SHLD21_MUST49) {
  struct Hdr {
    bool to_b;
    uint8_t tos, ttl, flags;
  };
  std::vector<Hdr> seen;
  StackPair p;
  p.filter = [&](std::vector<uint8_t>& pkt, bool to_b) {
    auto ip = wire::Ipv4View::parse(pkt);
    EXPECT_TRUE(ip.has_value());  // header checksum included: TOS and TTL are in it
    if (ip) seen.push_back({to_b, ip->tos(), ip->ttl(), ip->payload()[13]});
    return true;
  };
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  stack::ConnOptions server_opts;
  server_opts.ip_tos = 0x20;  // DSCP CS1
  server_opts.ip_ttl = 4;
  ASSERT_TRUE(p.b().set_listener_options(80, server_opts).has_value());
  stack::ConnOptions client_opts;
  client_opts.ip_tos = 0xb8;  // DSCP EF
  auto c = p.a().connect(p.now(), kServer, 0, client_opts);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(seen.size(), 3u);  // SYN, SYN,ACK, ACK
  const uint8_t default_ttl = p.a().config().tcp.ttl;
  for (const Hdr& h : seen) {
    EXPECT_EQ(h.tos, h.to_b ? 0xb8 : 0x20);
    EXPECT_EQ(h.ttl, h.to_b ? default_ttl : 4);
  }
  EXPECT_EQ(p.b().ip_tos(*s), 0x20);
  EXPECT_EQ(p.b().ip_ttl(*s), 4);
  EXPECT_EQ(p.a().ip_ttl(*c), default_ttl);

  // Changed mid-connection: the next segments carry the new values.
  ASSERT_TRUE(p.b().set_ip_tos(*s, 0xe0));  // DSCP CS7
  ASSERT_TRUE(p.b().set_ip_ttl(*s, 6));
  seen.clear();
  std::string msg = "x";
  ASSERT_TRUE(p.b().send(p.now(), *s, base::as_bytes(msg.data(), msg.size())).has_value());
  p.exchange();
  ASSERT_FALSE(seen.empty());
  EXPECT_FALSE(seen[0].to_b);
  EXPECT_EQ(seen[0].tos, 0xe0);
  EXPECT_EQ(seen[0].ttl, 6);

  // MAY-9: each end can read the TOS of the last segment it received.
  EXPECT_EQ(p.a().received_tos(*c), 0xe0);  // the server's data, after its change
  EXPECT_EQ(p.b().received_tos(*s), 0xb8);  // the client's ACK

  // A SYN to a port with no listener: the RST has the stack's defaults.
  seen.clear();
  ASSERT_TRUE(p.a().connect(p.now(), {wire::Ipv4Addr(10, 0, 0, 2), 81}, 0, client_opts).has_value());
  p.exchange();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[1].flags & tcp::flags::kRst);
  EXPECT_EQ(seen[1].tos, 0);
  EXPECT_EQ(seen[1].ttl, default_ttl);

  // A stale handle changes nothing.
  p.a().abort(p.now(), *c);
  EXPECT_FALSE(p.a().set_ip_tos(*c, 0x20));
  EXPECT_FALSE(p.a().ip_tos(*c).has_value());
  EXPECT_FALSE(p.a().received_tos(*c).has_value());
}

TEST(Stack, StaleHandleIsRejected) {
  StackPair p;
  auto c = *p.a().connect(p.now(), kServer);
  p.a().abort(p.now(), c);
  EXPECT_EQ(p.a().connection(c), nullptr);
  std::vector<uint8_t> b(4);
  EXPECT_EQ(p.a().recv(p.now(), c, b).error(), tcp::Error::ConnectionDoesNotExist);
}

TEST(TimerWheel, FiresInOrderAcrossRevolutions) {
  stack::TimerWheel w;
  base::Instant t0 = base::Instant::from_micros(5'000'000);
  w.schedule(1, t0 + Duration::millis(10));
  w.schedule(2, t0 + Duration::seconds(100));  // beyond one revolution (65.5 s)
  w.schedule(3, t0 + Duration::millis(5));
  EXPECT_EQ(w.next_deadline(), t0 + Duration::millis(5));
  std::vector<uint32_t> out;
  w.expire(t0 + Duration::millis(7), out);
  EXPECT_EQ(out, std::vector<uint32_t>{3});
  EXPECT_EQ(w.next_deadline(), t0 + Duration::millis(10));
  out.clear();
  w.expire(t0 + Duration::seconds(70), out);
  EXPECT_EQ(out, std::vector<uint32_t>{1});
  EXPECT_EQ(w.next_deadline(), t0 + Duration::seconds(100));
  out.clear();
  w.expire(t0 + Duration::seconds(100), out);
  EXPECT_EQ(out, std::vector<uint32_t>{2});
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, RescheduleAndCancel) {
  stack::TimerWheel w;
  base::Instant t0 = base::Instant::from_micros(0);
  w.schedule(7, t0 + Duration::millis(50));
  w.schedule(7, t0 + Duration::millis(20));
  w.schedule(8, t0 + Duration::millis(30));
  w.cancel(8);
  std::vector<uint32_t> out;
  w.expire(t0 + Duration::millis(100), out);
  EXPECT_EQ(out, std::vector<uint32_t>{7});
}

TEST(TimerWheel, NoLaterKeepsAnEarlierDeadlineAndCancelsWhenThereIsNone) {
  stack::TimerWheel w;
  base::Instant t0 = base::Instant::from_micros(0);
  w.schedule_no_later(1, t0 + Duration::millis(20));
  w.schedule_no_later(1, t0 + Duration::millis(50));  // later: left to fire early
  w.schedule_no_later(2, t0 + Duration::millis(30));
  w.schedule_no_later(2, base::Instant::never());      // idle: gone at once
  EXPECT_EQ(w.size(), 1u);
  std::vector<uint32_t> out;
  w.expire(t0 + Duration::millis(25), out);
  EXPECT_EQ(out, std::vector<uint32_t>{1});
  out.clear();
  w.expire(t0 + Duration::seconds(1), out);
  EXPECT_TRUE(out.empty());
}

TEST(TimerWheel, AgreesWithAReferenceUnderRandomSchedulesAcrossRevolutions) {
  // Sparse and dense wheels, deadlines from the past to three revolutions
  // ahead: expire() fires exactly the due ids and next_deadline() is then the
  // exact earliest deadline (what a driver on a virtual clock jumps to).
  stack::TimerWheel w;
  std::map<uint32_t, base::Instant> ref;
  std::mt19937_64 rng(11);
  base::Instant now = base::Instant::from_micros(1'000'000);
  std::vector<uint32_t> out;
  for (int step = 0; step < 100000; ++step) {
    uint32_t id = static_cast<uint32_t>(rng() % (step < 50000 ? 40 : 4000));
    uint64_t r = rng() % 100;
    if (r < 45) {
      int64_t ahead = static_cast<int64_t>(rng() % 200'000'000) - 1'000'000;  // -1 s .. +199 s
      base::Instant at = base::Instant::from_micros(std::max<int64_t>(0, now.us() + ahead));
      w.schedule(id, at);
      ref[id] = at;
    } else if (r < 55) {
      w.cancel(id);
      ref.erase(id);
    } else {
      now = now + Duration::micros(static_cast<int64_t>(rng() % (r < 98 ? 3'000'000 : 90'000'000)));
      out.clear();
      w.expire(now, out);
      std::vector<uint32_t> due;
      for (auto it = ref.begin(); it != ref.end();) {
        if (it->second <= now) {
          due.push_back(it->first);
          it = ref.erase(it);
        } else {
          ++it;
        }
      }
      std::sort(out.begin(), out.end());
      ASSERT_EQ(out, due) << "step " << step;
      base::Instant earliest = base::Instant::never();
      for (const auto& [i, at] : ref) earliest = std::min(earliest, at);
      ASSERT_EQ(w.next_deadline(), earliest) << "step " << step;
    }
    ASSERT_EQ(w.size(), ref.size());
  }
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

// An ICMP error quoting a segment `from` sent to `to` (RFC 792 layout).
std::vector<uint8_t> icmp_error(uint8_t type, uint8_t code, const wire::FourTuple& t, uint32_t seq,
                                uint16_t mtu = 0) {
  std::vector<uint8_t> quote(28, 0);
  wire::Ipv4Header h;
  h.total_len = 40;
  h.src = t.local.addr;
  h.dst = t.remote.addr;
  h.serialize(quote);
  base::store_be16(&quote[20], t.local.port);
  base::store_be16(&quote[22], t.remote.port);
  base::store_be32(&quote[24], seq);
  std::vector<uint8_t> msg = {type, code, 0, 0, 0, 0, 0, 0};
  base::store_be16(&msg[6], mtu);
  msg.insert(msg.end(), quote.begin(), quote.end());
  base::store_be16(&msg[2], wire::checksum_finish(wire::checksum_partial(msg)));
  return ip_packet(t.remote.addr, t.local.addr, wire::kProtoIcmp, msg);
}

TEST(StackIcmp, PortUnreachableEndsAnOpeningConnection_Rfc9293_3_9_2_2_MUST54) {
  StackPair p;
  auto c = *p.a().connect(p.now(), kServer);
  const auto* conn = p.a().connection(c);
  auto t = conn->tuple();
  uint32_t iss = conn->snd().iss.value();
  while (p.a().poll_transmit()) {
  }
  p.a().on_packet(p.now(), icmp_error(3, 3, t, iss));
  EXPECT_EQ(p.a().connection(c)->state(), State::Closed);
  EXPECT_EQ(p.a().connection(c)->error(), tcp::Error::PortUnreachable);
  EXPECT_EQ(p.a().counters().icmp_errors_used, 1u);
}

TEST(StackIcmp, SoftErrorIsReportedButDoesNotAbort_Rfc9293_MUST56_SHLD25) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  auto t = p.a().connection(c)->tuple();
  std::string d = "x";
  p.a().send(p.now(), c, base::as_bytes(d.data(), 1));
  while (p.a().poll_transmit()) {
  }  // the byte is "lost"
  while (p.a().poll_event()) {
  }
  uint32_t una = p.a().connection(c)->snd().una.value();
  p.a().on_packet(p.now(), icmp_error(11, 0, t, una));  // time exceeded: soft
  EXPECT_EQ(p.a().connection(c)->state(), State::Established);
  EXPECT_EQ(p.a().connection(c)->soft_error(), tcp::Error::HostUnreachable);
  bool told = false;
  while (auto e = p.a().poll_event()) told |= e->event.kind == tcp::EventKind::SoftError;
  EXPECT_TRUE(told);
}

TEST(StackIcmp, ErrorQuotingASequenceNumberNeverSentIsIgnored_Rfc5927_4_1) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  auto t = p.a().connection(c)->tuple();
  p.a().on_packet(p.now(), icmp_error(3, 3, t, 12345));  // blind attack: wrong sequence number
  EXPECT_EQ(p.a().connection(c)->state(), State::Established);
  EXPECT_EQ(p.a().counters().icmp_errors_in, 1u);
  EXPECT_EQ(p.a().counters().icmp_errors_used, 0u);
}

TEST(StackIcmp, SourceQuenchIsSilentlyDropped_Rfc9293_MUST55) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  auto t = p.a().connection(c)->tuple();
  p.a().on_packet(p.now(), icmp_error(4, 0, t, p.a().connection(c)->snd().una.value()));
  EXPECT_EQ(p.a().connection(c)->state(), State::Established);
  EXPECT_FALSE(p.a().poll_transmit().has_value());
  EXPECT_EQ(p.a().counters().icmp_errors_in, 0u);
}

TEST(StackIcmp, FragmentationNeededLowersTheMss_Rfc1191) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = *p.a().connect(p.now(), kServer);
  p.exchange();
  auto t = p.a().connection(c)->tuple();
  std::string d(3000, 'y');
  p.a().send(p.now(), c, base::as_bytes(d.data(), d.size()));
  while (p.a().poll_transmit()) {
  }  // too big for the path: "dropped"
  p.a().on_packet(p.now(), icmp_error(3, 4, t, p.a().connection(c)->snd().una.value(), 1000));
  EXPECT_EQ(p.a().connection(c)->snd().mss, 960);
  auto pkt = p.a().poll_transmit();  // sent again at once, in smaller pieces
  ASSERT_TRUE(pkt.has_value());
  EXPECT_LE(pkt->size(), 1000u);
}

// State changes reach the application only if it asks (StackConfig::state_events);
// the server's child becomes acceptable either way (on Connected).
TEST(Stack, StateChangeEventsReachTheApplicationOnlyWhenAsked) {
  for (bool asked : {false, true}) {
    stack::StackConfig cfg;
    cfg.state_events = asked;
    StackPair p(cfg);
    ASSERT_TRUE(p.b().listen(80, 8).has_value());
    auto c = p.a().connect(p.now(), kServer);
    ASSERT_TRUE(c.has_value());
    p.exchange();
    int state_changes = 0, connected = 0;
    while (auto e = p.a().poll_event()) {
      state_changes += e->event.kind == tcp::EventKind::StateChanged;
      connected += e->event.kind == tcp::EventKind::Connected;
    }
    EXPECT_EQ(state_changes, asked ? 2 : 0);  // CLOSED -> SYN-SENT -> ESTABLISHED
    EXPECT_EQ(connected, 1);
    EXPECT_TRUE(p.b().accept(80).has_value());
  }
}

// An observer sees every state change although the application did not ask.
TEST(Stack, ObserverSeesStateChangesWithoutStateEvents) {
  struct Watch : stack::Observer {
    std::vector<std::pair<State, State>> seen;
    void on_state_change(base::Instant, const wire::FourTuple&, State from, State to, tcp::Cause) override {
      seen.emplace_back(from, to);
    }
  } watch;
  StackPair p;
  p.a().set_observer(&watch);
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  auto c = p.a().connect(p.now(), kServer);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  std::vector<std::pair<State, State>> want{{State::Closed, State::SynSent}, {State::SynSent, State::Established}};
  EXPECT_EQ(watch.seen, want);
  while (auto e = p.a().poll_event()) EXPECT_NE(e->event.kind, tcp::EventKind::StateChanged);
  p.a().set_observer(nullptr);
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

// Stack::prefetch is a hint about a packet that has not been checked yet: it
// must read nothing outside the bytes it is given, and change nothing.
TEST(Stack, PrefetchHintToleratesAnyBytesAndChangesNothing) {
  StackPair p;
  ASSERT_TRUE(p.b().listen(80, 8).has_value());
  auto c = p.a().connect(p.now(), kServer);
  ASSERT_TRUE(c.has_value());
  p.exchange();
  const wire::FourTuple t = p.a().connection(*c)->tuple();
  std::vector<uint8_t> tcp(20, 0);
  base::store_be16(&tcp[0], t.local.port);
  base::store_be16(&tcp[2], t.remote.port);
  std::vector<std::vector<uint8_t>> inputs = {
      {},
      {0x45},
      std::vector<uint8_t>(19, 0x45),
      std::vector<uint8_t>(40, 0x60),                               // IPv6
      ip_packet(t.local.addr, t.remote.addr, 17, tcp),              // UDP
      ip_packet(t.local.addr, t.remote.addr, 6, {}),                // no room for the ports
      ip_packet(t.local.addr, t.remote.addr, 6, tcp),               // the live connection
      ip_packet(t.remote.addr, t.local.addr, 6, tcp),               // a tuple nobody has
  };
  std::vector<uint8_t> long_ihl = ip_packet(t.local.addr, t.remote.addr, 6, {1, 2, 3, 4});
  long_ihl[0] = 0x4f;  // a 60-byte header in a 24-byte packet
  inputs.push_back(long_ihl);
  std::vector<uint8_t> short_ihl = ip_packet(t.local.addr, t.remote.addr, 6, tcp);
  short_ihl[0] = 0x41;
  inputs.push_back(short_ihl);
  const auto before = p.b().counters();
  for (const auto& in : inputs) {
    for (auto what : {stack::Stack::Prefetch::Demux, stack::Stack::Prefetch::Connection}) {
      p.a().prefetch(in, what);
      p.b().prefetch(in, what);
    }
  }
  EXPECT_EQ(p.b().counters().tcp_in, before.tcp_in);
  EXPECT_EQ(p.b().counters().drops, before.drops);
  EXPECT_EQ(p.b().counters().parse_errors, before.parse_errors);
  EXPECT_EQ(p.a().connection(*c)->state(), State::Established);
  std::string msg = "still fine";
  ASSERT_EQ(*p.a().send(p.now(), *c, base::as_bytes(msg.data(), msg.size())), msg.size());
  p.exchange();
  auto s = p.b().accept(80);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(read_all(p.b(), p.now(), *s), msg);
}


// ---------------------------------------------------------------------------
// poll_transmit_into: packets built in the link's buffer.

// One connection's life with every kind of output: handshake, data both ways
// (many segments per flush), an ICMP echo reply and a RST queued as control
// packets, both FINs, TIME-WAIT. Returns what the server read.
std::string transmit_workload(StackPair& p) {
  p.b().listen(80, 8);
  auto c = p.a().connect(p.now(), kServer);
  p.exchange();
  auto s = p.b().accept(80);
  if (!c || !s) return "no connection";
  std::string msg;
  for (int i = 0; i < 400000; ++i) msg += static_cast<char>('a' + i % 26);
  std::string got;
  size_t off = 0;
  for (int round = 0; round < 1000 && got.size() < msg.size(); ++round) {
    if (off < msg.size()) {
      auto n = p.a().send(p.now(), *c, base::as_bytes(msg.data() + off, msg.size() - off));
      if (n) off += *n;
    }
    // Control packets waiting in the stack's queue when a connection has output too.
    std::vector<uint8_t> echo = {8, 0, 0, 0, 0x12, 0x34, 0, static_cast<uint8_t>(round), 'p'};
    base::store_be16(&echo[2], wire::checksum_finish(wire::checksum_partial(echo)));
    p.b().on_packet(p.now(), ip_packet(wire::Ipv4Addr(10, 0, 0, 9), p.b().config().addr, wire::kProtoIcmp, echo));
    p.exchange();
    got += read_all(p.b(), p.now(), *s);
  }
  std::string reply = "and back";
  p.b().send(p.now(), *s, base::as_bytes(reply.data(), reply.size()));
  p.exchange();
  if (read_all(p.a(), p.now(), *c) != reply) return "reply lost";
  p.a().close(p.now(), *c);
  p.exchange();
  p.b().close(p.now(), *s);
  p.advance(Duration::seconds(61));
  if (p.a().connection_count() + p.b().connection_count() + p.a().time_wait_count() != 0) return "not closed";
  return got == msg ? "ok" : "data differs";
}

TEST(StackTransmitInto, BuildsTheSamePacketsAsPollTransmit) {
  std::vector<std::vector<uint8_t>> reference;
  {
    StackPair p;
    p.sent = &reference;
    ASSERT_EQ(transmit_workload(p), "ok");
  }
  ASSERT_GT(reference.size(), 300u);
  // In the link's buffer (one per call, as a transmit ring's slots), a buffer
  // too small to build in (the packets are copied into it), and the two calls
  // taking turns in the middle of one connection's flush.
  std::vector<uint8_t> slot;
  int turn = 0;
  const std::vector<std::pair<const char*, std::function<std::optional<base::Bytes>(stack::Stack&)>>> drains = {
      {"into", [&](stack::Stack& s) {
         slot.assign(s.transmit_buffer_bytes(), 0xee);
         return s.poll_transmit_into(slot);
       }},
      {"into an MTU-sized buffer", [&](stack::Stack& s) {
         slot.assign(s.config().mtu, 0xee);
         auto p = s.poll_transmit_into(slot);
         if (p) {
           EXPECT_EQ(p->data(), slot.data());
         }
         return p;
       }},
      {"taking turns", [&](stack::Stack& s) -> std::optional<base::Bytes> {
         if (++turn % 2) return s.poll_transmit();
         slot.assign(s.transmit_buffer_bytes(), 0xee);
         return s.poll_transmit_into(slot);
       }},
  };
  for (const auto& [name, drain] : drains) {
    SCOPED_TRACE(name);
    std::vector<std::vector<uint8_t>> sent;
    StackPair p;
    p.sent = &sent;
    p.drain = drain;
    ASSERT_EQ(transmit_workload(p), "ok");
    ASSERT_EQ(sent.size(), reference.size());
    for (size_t i = 0; i < sent.size(); ++i) ASSERT_EQ(sent[i], reference[i]) << "packet " << i;
  }
}

TEST(StackTransmitInto, PacketTooLargeForTheBufferStaysQueued) {
  StackPair p;
  p.b().listen(80, 8);
  auto c = p.a().connect(p.now(), kServer);
  p.exchange();
  ASSERT_TRUE(c);
  std::vector<uint8_t> data(1000, 0x5a);
  ASSERT_EQ(*p.a().send(p.now(), *c, data), data.size());
  std::vector<uint8_t> small(200);
  EXPECT_FALSE(p.a().poll_transmit_into(small).has_value());  // 1040+ bytes do not fit
  std::vector<uint8_t> big(p.a().transmit_buffer_bytes());
  auto pkt = p.a().poll_transmit_into(big);
  ASSERT_TRUE(pkt.has_value());
  EXPECT_GE(pkt->data(), big.data());
  EXPECT_LE(pkt->data() + pkt->size(), big.data() + big.size());
  auto ip = wire::Ipv4View::parse(*pkt);
  ASSERT_TRUE(ip);
  ASSERT_GE(ip->payload().size(), 20 + data.size());
  EXPECT_TRUE(std::all_of(pkt->end() - 1000, pkt->end(), [](uint8_t b) { return b == 0x5a; }));
  EXPECT_TRUE(wire::verify_tcp_checksum(ip->src().value(), ip->dst().value(), ip->payload()));
  EXPECT_FALSE(p.a().poll_transmit_into(big).has_value());
}

// A posted RECEIVE under loss and reordering: every byte arrives once, in
// order, whether it landed in the posted buffer or waited in the receive
// buffer (RFC 9293 §3.10.3, §3.10.7.4).
TEST(StackPostedRecv, StreamStaysWholeAndInOrderUnderLoss_Rfc9293_3_10_3) {
  StackPair p;
  uint64_t n = 0;
  p.filter = [&](std::vector<uint8_t>&, bool to_b) { return !(to_b && ++n % 7 == 3); };  // lose 1 in 7 data packets
  p.b().listen(80, 8);
  auto c = p.a().connect(p.now(), kServer);
  p.advance(Duration::seconds(5));
  auto s = p.b().accept(80);
  ASSERT_TRUE(c && s);
  std::string msg;
  for (int i = 0; i < 300000; ++i) msg += static_cast<char>('A' + (i * 7 + i / 251) % 57);
  std::string got;
  std::vector<uint8_t> buf(4000);
  size_t off = 0, landed_total = 0, sizes = 0;
  bool posted = false;
  for (int round = 0; round < 20000 && got.size() < msg.size(); ++round) {
    auto landed = p.b().take_posted(*s);
    ASSERT_TRUE(landed.has_value());
    if (posted) got.append(buf.begin(), buf.begin() + static_cast<long>(*landed));
    landed_total += *landed;
    posted = false;
    // Read what waits, then leave a buffer posted (sizes smaller and larger than a segment).
    for (int k = 0; k < 1000 && !posted; ++k) {
      size_t size = 1 + (sizes++ * 977) % buf.size();
      auto r = p.b().post_recv(p.now(), *s, base::MutBytes(buf.data(), size));
      ASSERT_TRUE(r.has_value());
      posted = *r == 0;
      got.append(buf.begin(), buf.begin() + static_cast<long>(*r));
    }
    if (off < msg.size()) {
      size_t chunk = std::min<size_t>(msg.size() - off, 1 + (round * 1601) % 6000);
      auto w = p.a().send(p.now(), *c, base::as_bytes(msg.data() + off, chunk));
      ASSERT_TRUE(w.has_value());
      off += *w;
    }
    p.advance(Duration::millis(50));
  }
  EXPECT_EQ(got.size(), msg.size());
  EXPECT_TRUE(got == msg);
  EXPECT_GT(landed_total, 0u);             // text did land in posted buffers
  EXPECT_LT(landed_total, msg.size());     // and some waited in the receive buffer
  EXPECT_GT(p.a().connection(*c)->counters().retransmits, 0u);
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

// A router that marks instead of dropping (RFC 3168 §5): CE on every third
// ECN-capable packet a->b, with the IPv4 header checksum redone.
bool mark_ce(std::vector<uint8_t>& ip, uint64_t& ect_seen) {
  if ((ip[1] & 3) != tcp::ecn::kEct0) return true;
  if (++ect_seen % 3 != 0) return true;
  ip[1] |= tcp::ecn::kCe;
  ip[10] = ip[11] = 0;
  uint16_t sum = static_cast<uint16_t>(~wire::checksum_partial20(ip.data()));
  ip[10] = static_cast<uint8_t>(sum >> 8);
  ip[11] = static_cast<uint8_t>(sum);
  return true;
}

// a connects to b's port 80; both ends, once established (client, server).
struct Opened {
  std::optional<stack::ConnId> client, server;
};
Opened open_to_port_80(StackPair& p) {
  Opened o;
  p.b().listen(80, 8);
  auto c = p.a().connect(p.now(), kServer);
  p.advance(Duration::millis(10));
  if (c) o.client = *c;
  o.server = p.b().accept(80);
  return o;
}

TEST(StackEcn, MarksInsteadOfDropsSlowTheSenderWithoutRetransmission_Rfc3168_6_1) {
  stack::StackConfig cfg;
  cfg.tcp.ecn = true;
  StackPair p(cfg);
  std::vector<std::vector<uint8_t>> sent;
  p.sent = &sent;
  uint64_t ect_seen = 0;
  p.filter = [&](std::vector<uint8_t>& ip, bool to_b) { return !to_b || mark_ce(ip, ect_seen); };
  auto [c, s] = open_to_port_80(p);
  ASSERT_TRUE(c && s);
  ASSERT_TRUE(p.a().connection(*c)->ecn_enabled());
  ASSERT_TRUE(p.b().connection(*s)->ecn_enabled());
  std::string msg(200000, 'z');
  size_t off = 0;
  std::string got;
  std::vector<uint8_t> buf(65536);
  for (int round = 0; round < 2000 && got.size() < msg.size(); ++round) {
    if (off < msg.size()) {
      auto w = p.a().send(p.now(), *c, base::as_bytes(msg.data() + off, msg.size() - off));
      ASSERT_TRUE(w.has_value());
      off += *w;
    }
    p.advance(Duration::millis(5));
    auto r = p.b().recv(p.now(), *s, base::MutBytes(buf.data(), buf.size()));
    ASSERT_TRUE(r.has_value());
    got.append(buf.begin(), buf.begin() + static_cast<long>(*r));
  }
  EXPECT_TRUE(got == msg);
  // On the wire: the ECN-setup SYN and SYN,ACK; ECT(0) on data only; CWR after a cut.
  size_t data_packets = 0, ect_data = 0, ect_without_data = 0, cwr = 0;
  bool setup_syn = false, setup_synack = false;
  for (const auto& ip : sent) {
    auto v = wire::Ipv4View::parse(ip);
    ASSERT_TRUE(v.has_value());
    auto t = wire::TcpView::parse(v->payload());
    ASSERT_TRUE(t.has_value());
    const uint8_t f = t->flags();
    const uint8_t setup = f & (wire::tcp_flags::kSyn | wire::tcp_flags::kAck | wire::tcp_flags::kEce | wire::tcp_flags::kCwr);
    if (setup == (wire::tcp_flags::kSyn | wire::tcp_flags::kEce | wire::tcp_flags::kCwr)) setup_syn = true;
    if (setup == (wire::tcp_flags::kSyn | wire::tcp_flags::kAck | wire::tcp_flags::kEce)) setup_synack = true;
    const bool ect = (ip[1] & 3) == tcp::ecn::kEct0;
    if (!t->payload().empty()) {
      ++data_packets;
      ect_data += ect;
    } else {
      ect_without_data += ect;
    }
    cwr += (f & wire::tcp_flags::kCwr) && !(f & wire::tcp_flags::kSyn);
  }
  EXPECT_TRUE(setup_syn);
  EXPECT_TRUE(setup_synack);
  EXPECT_GT(data_packets, 100u);
  EXPECT_EQ(ect_data, data_packets);  // no loss here: every data segment is new data
  EXPECT_EQ(ect_without_data, 0u);
  EXPECT_GT(cwr, 0u);
  const auto& sender = p.a().connection(*c)->counters();
  const auto& receiver = p.b().connection(*s)->counters();
  EXPECT_GT(receiver.ecn_ce_received, 0u);
  EXPECT_GT(sender.ecn_reductions, 0u);
  EXPECT_LT(sender.ecn_reductions, receiver.ecn_ce_received);  // once per round trip, not per mark
  EXPECT_EQ(sender.retransmits, 0u);  // congestion was signalled, nothing was lost
}

TEST(StackEcn, OneSideWithoutEcnMeansNoEctOnTheWire_Rfc3168_6_1_1) {
  stack::StackConfig with, without;
  with.tcp.ecn = true;
  StackPair p(with, without);
  std::vector<std::vector<uint8_t>> sent;
  p.sent = &sent;
  auto [c, s] = open_to_port_80(p);
  ASSERT_TRUE(c && s);
  EXPECT_FALSE(p.a().connection(*c)->ecn_enabled());
  ASSERT_TRUE(p.a().send(p.now(), *c, base::as_bytes("hello", 5)).has_value());
  p.advance(Duration::millis(10));
  ASSERT_GE(sent.size(), 4u);
  for (const auto& ip : sent) EXPECT_EQ(ip[1] & 3, tcp::ecn::kNotEct);
}

}  // namespace
}  // namespace synack::testing

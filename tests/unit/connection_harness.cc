#include "unit/connection_harness.h"

#include <sstream>

namespace synack::tcp::testing {

namespace {
const wire::FourTuple kTuple{{wire::Ipv4Addr(10, 0, 0, 1), 40000}, {wire::Ipv4Addr(10, 0, 0, 2), 80}};
}

std::string SegSpec::mismatch(const Segment& got, size_t got_len) const {
  std::ostringstream os;
  Segment want = segment();
  if (got.flags != want.flags)
    os << "flags " << wire::flags_to_string(got.flags) << " != " << wire::flags_to_string(want.flags) << "; ";
  if (got.seq != want.seq) os << "seq " << got.seq << " != " << want.seq << "; ";
  if (want.has_ack() && got.ack != want.ack) os << "ack " << got.ack << " != " << want.ack << "; ";
  if (len_set_ && got_len != want.len()) os << "len " << got_len << " != " << want.len() << "; ";
  if (!len_set_ && got_len != 0) os << "len " << got_len << " != 0; ";
  if ((want.flags & flags::kUrg) && got.urg != want.urg) os << "urg " << got.urg << " != " << want.urg << "; ";
  if (win_set_ && got.wnd != want.wnd) os << "win " << got.wnd << " != " << want.wnd << "; ";
  if (opts_set_ && !(got.options == want.options)) os << "options differ; ";
  if (rexmit_ && !got.retransmission) os << "not marked as retransmission; ";
  if (ecn_set_ && got.ecn != want.ecn) os << "IP ECN " << int{got.ecn} << " != " << int{want.ecn} << "; ";
  return os.str();
}

Harness::Harness(Config cfg, uint32_t isn) : isn_(isn), conn_(env_, kTuple), buf_(65536) {
  env_.config = cfg;
  env_.isn = &isn_;
  conn_ = Connection(env_, kTuple);
}

void Harness::connect() { ASSERT_TRUE(conn_.connect(now_).has_value()); }
void Harness::listen() { ASSERT_TRUE(conn_.listen().has_value()); }

DropReason Harness::inject(const SegSpec& s) {
  Segment seg = s.segment();
  return conn_.on_segment(now_, seg);
}

std::vector<Sent> Harness::drain() {
  std::vector<Sent> out = std::move(pending_);
  pending_.clear();
  for (int i = 0; i < 10000; ++i) {
    auto s = conn_.poll_transmit(now_, buf_);
    if (!s) break;
    Sent c{*s, std::vector<uint8_t>(s->payload.begin(), s->payload.end())};
    c.seg.payload = {};
    out.push_back(std::move(c));
  }
  return out;
}

Sent Harness::expect(const SegSpec& s) {
  auto got = drain();
  if (got.empty()) {
    ADD_FAILURE() << "expected " << s.describe() << " but nothing was sent";
    return {};
  }
  Sent first = got.front();
  pending_.assign(got.begin() + 1, got.end());
  std::string m = s.mismatch(first.seg, first.payload.size());
  EXPECT_TRUE(m.empty()) << "expected " << s.describe() << "\n     got " << describe(first.seg)
                         << " (len " << first.payload.size() << ")\n     " << m;
  return first;
}

void Harness::expect_nothing() {
  auto got = drain();
  for (const auto& g : got) ADD_FAILURE() << "unexpected segment: " << describe(g.seg);
}

void Harness::advance(Duration d) {
  Instant end = now_ + d;
  for (int i = 0; i < 100000; ++i) {
    Instant next = conn_.next_deadline();
    if (next > end) break;
    now_ = std::max(now_, next);
    conn_.on_timeout(now_);
    auto sent = drain();
    pending_.insert(pending_.end(), sent.begin(), sent.end());
  }
  now_ = end;
}

void Harness::fire_next_timer_unpolled() {
  Instant next = conn_.next_deadline();
  ASSERT_FALSE(next.is_never()) << "no timer armed";
  now_ = std::max(now_, next);
  conn_.on_timeout(now_);
}

std::vector<Event> Harness::events() {
  std::vector<Event> out;
  while (auto e = conn_.poll_event()) out.push_back(*e);
  return out;
}

std::string Harness::read_all() {
  std::string s;
  std::vector<uint8_t> b(4096);
  for (;;) {
    auto r = conn_.recv(now_, b);
    if (!r || *r == 0) break;
    s.append(b.begin(), b.begin() + static_cast<long>(*r));
  }
  return s;
}

void Harness::establish_active(uint32_t peer_isn, uint16_t peer_win) {
  connect();
  uint32_t iss = conn_.snd().iss.value();
  expect(seg::syn(iss));
  inject(seg::syn_ack(peer_isn, iss + 1).win(peer_win).mss(1460));
  expect(seg::ack(iss + 1, peer_isn + 1));
  ASSERT_EQ(conn_.state(), State::Established);
  events();
}

void Harness::establish_passive(uint32_t peer_isn, uint16_t peer_win) {
  listen();
  inject(seg::syn(peer_isn).win(peer_win).mss(1460));
  uint32_t iss = conn_.snd().iss.value();
  expect(seg::syn_ack(iss, peer_isn + 1));
  inject(seg::ack(peer_isn + 1, iss + 1).win(peer_win));
  ASSERT_EQ(conn_.state(), State::Established);
  events();
}

}  // namespace synack::tcp::testing

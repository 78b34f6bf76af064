// TCP options: negotiation on the SYNs (MSS §3.7.1, window scale and
// timestamps RFC 7323, SACK-permitted RFC 2018) and the options of every later
// segment: timestamps with PAWS and RTTM (RFC 7323 §3-5), SACK blocks with
// D-SACK (RFC 2018 §4, RFC 2883).
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

namespace {
constexpr uint8_t kMaxWindowShift = 14;  // RFC 7323 §2.3
// TS.Recent is invalid after 24 days of idleness (RFC 7323 §5.5).
constexpr uint32_t kTsRecentMaxAgeMs = 24u * 24 * 3600 * 1000;
}  // namespace

uint8_t Connection::window_shift_for(uint32_t buffer) {
  uint8_t s = 0;
  while (s < kMaxWindowShift && (buffer >> s) > 0xffff) ++s;
  return s;
}

uint32_t Connection::whole_segments(uint32_t bytes) const {
  uint64_t rounded = (uint64_t{bytes} + snd_.mss - 1) / snd_.mss * snd_.mss;
  return static_cast<uint32_t>(std::min<uint64_t>(rounded, kMaxBuffer));
}

uint32_t Connection::ts_now(Instant now) const {
  // A 1 ms clock, offset per connection by a value derived from the keyed ISS so
  // the timestamp does not reveal the host's uptime (RFC 7323 §5.4, §7.1).
  return ms32(now) + ts_offset();
}

TimeWaitVars Connection::time_wait_vars() const {
  TimeWaitVars v;
  v.snd_nxt = snd_.max;
  v.rcv_nxt = rcv_.nxt;
  v.rcv_wnd = static_cast<uint32_t>(std::max(0, rcv_.adv - rcv_.nxt));
  v.ts_ok = ts_ok_;
  v.ts_recent = ts_recent_;
  v.ts_offset = ts_offset();
  return v;
}

void Connection::negotiate_options(Instant now, const Segment& syn) {
  const Config& cfg = env_->config;
  // MSS (§3.7.1): the peer's option, or 536 without one (MUST-15); a zero MSS is
  // treated as absent. Never more than our own interface allows.
  uint16_t peer = syn.options.mss.value_or(536);
  if (peer == 0) peer = 536;
  snd_.mss = std::max<uint16_t>(std::min(peer, advertised_mss()), 64);
  // Each option is in use only if both sides offered it (RFC 7323 §2.2, §3.2;
  // RFC 2018 §2). On a passive open we answer in kind; on an active open we
  // offered already.
  wscale_ok_ = offer_window_scaling() && syn.options.window_scale.has_value();
  if (wscale_ok_) {
    snd_.wscale = std::min(*syn.options.window_scale, kMaxWindowShift);
    // An active open keeps the scale its SYN offered (connect(),
    // set_recv_buffer()); a passive one chooses it now, from the receive
    // buffer in effect (RFC 7323 §2.2).
    if (state_ == State::Listen) rcv_.wscale = window_shift_for(rcv_buf_cap_);
  } else {
    snd_.wscale = rcv_.wscale = 0;
  }
  ts_ok_ = offer_timestamps() && syn.options.timestamps.has_value();
  if (ts_ok_) {
    ts_recent_ = syn.options.timestamps->val;
    ts_recent_ms_ = ms32(now);
  }
  sack_ok_ = offer_sack() && syn.options.sack_permitted;
  // ECN (RFC 3168 §6.1.1): an ECN-setup SYN has both ECE and CWR, its answer
  // ECE alone (one with both is a reflection of our own flags by a broken
  // peer or middlebox, and not an agreement), and only if the SYN it answers
  // offered ECN. A simultaneous open, SYN without ACK in SYN-SENT, goes without.
  const uint8_t ecn_flags = syn.flags & (flags::kEce | flags::kCwr);
  if (state_ == State::Listen) {
    ecn_ok_ = cfg.ecn && ecn_flags == (flags::kEce | flags::kCwr);
  } else {
    ecn_ok_ = ecn_syn_sent_ && syn.has_ack() && ecn_flags == flags::kEce;
  }
  // The receive buffer holds whole segments (as BSD and Linux size it), so the
  // window never ends in a sliver smaller than an MSS.
  rcv_buf_cap_ = whole_segments(rcv_buf_cap_);
  restart_congestion_control();  // the IW depends on the MSS (RFC 6928)
}

uint16_t Connection::send_mss() const {
  // MUST-16: the effective send MSS leaves room for the options every segment
  // carries (the 12 bytes of NOP,NOP,TS once timestamps are in use).
  return static_cast<uint16_t>(snd_.mss - (ts_ok_ ? 12 : 0));
}

void Connection::syn_options(Instant now, wire::TcpOptions& o) const {
  o.clear();
  if (no_options()) return;  // TCP_NOOPT: not even the MSS (the peer assumes 536, MUST-15)
  o.mss = advertised_mss();  // MUST-14; never in a non-SYN segment (MUST-65)
  // Offer everything in a SYN; a SYN,ACK (passive or simultaneous open)
  // carries only what the peer's SYN offered (RFC 7323 §2.2, §3.2).
  bool active = state_ == State::SynSent;
  if (offer_window_scaling() && (active || wscale_ok_)) o.window_scale = rcv_.wscale;
  if (offer_sack() && (active || sack_ok_)) o.sack_permitted = true;
  if (offer_timestamps() && (active || ts_ok_)) {
    // TSecr is only meaningful when the ACK bit is set (RFC 7323 §3.2).
    o.timestamps = wire::Timestamps{ts_now(now), state_ == State::SynSent ? 0 : ts_recent_};
  }
}

bool Connection::set_no_options(bool on) {
  if (state_ != State::Closed && state_ != State::Listen) return false;  // the SYN offered already
  if (on || bufs_) bufs().app.no_options = on;  // off needs no Buffers
  return true;
}

void Connection::segment_options(Instant now, bool with_sack, wire::TcpOptions& o) {
  o.clear();
  if (ts_ok_) o.timestamps = wire::Timestamps{ts_now(now), ts_recent_};  // RFC 7323 §3.2
  // Blocks come only from a D-SACK or out-of-order data; most ACKs have neither.
  if (with_sack && sack_ok_ && bufs_ && (bufs_->dsack || !bufs_->ooo.empty())) fill_sack_blocks(o);
}

void Connection::fill_sack_blocks(wire::TcpOptions& o) {
  // RFC 2018 §4: the first block reports the segment that arrived most
  // recently; then the most recently reported others. RFC 2883: a duplicate
  // goes first, as a D-SACK block, once. 3 blocks fit beside timestamps, 4 without.
  Buffers& b = *bufs_;
  size_t max = ts_ok_ ? 3 : 4;
  auto add = [&](SeqNum l, SeqNum r) {
    for (size_t i = 0; i < o.sack_count; ++i)
      if (o.sack[i].left == l.value() && o.sack[i].right == r.value()) return;
    if (o.sack_count < max) o.sack[o.sack_count++] = {l.value(), r.value()};
  };
  if (b.dsack) add(b.dsack->begin, b.dsack->end);  // cleared once sent (on_segment_sent)
  for (size_t i = 0; i < b.sack_recent_n; ++i)
    if (const base::SeqRange* r = b.ooo.find(b.sack_recent[i])) add(r->begin, r->end);
  for (const auto& r : b.ooo) add(r.begin, r.end);
}

void Connection::note_out_of_order(SeqNum seq) {
  // Remember arrival order for SACK block ordering (most recent first).
  Buffers& b = bufs();
  size_t n = std::min<size_t>(b.sack_recent_n, b.sack_recent.size() - 1);
  for (size_t i = n; i > 0; --i) b.sack_recent[i] = b.sack_recent[i - 1];
  b.sack_recent[0] = seq;
  b.sack_recent_n = static_cast<uint8_t>(n + 1);
}

void Connection::note_duplicate(SeqNum begin, SeqNum end) {
  if (sack_ok_ && begin.before(end)) bufs().dsack = base::SeqRange{begin, end};  // RFC 2883 §4
}

bool Connection::paws_reject(Instant now, const Segment& seg) const {
  // RFC 7323 §5.3 R1: a timestamp older than TS.Recent marks an old duplicate,
  // unless TS.Recent has aged past 24 days.
  if (!ts_ok_ || !seg.options.timestamps) return false;
  if (ms32(now) - ts_recent_ms_ > kTsRecentMaxAgeMs) return false;
  return static_cast<int32_t>(seg.options.timestamps->val - ts_recent_) < 0;
}

void Connection::update_ts_recent(Instant now, const Segment& seg) {
  // RFC 7323 §4.3 (2): TS.Recent takes SEG.TSval if SEG.TSval >= TS.Recent and
  // SEG.SEQ =< Last.ACK.sent (so a delayed ACK covers the oldest segment).
  if (!ts_ok_ || !seg.options.timestamps) return;
  uint32_t val = seg.options.timestamps->val;
  if (static_cast<int32_t>(val - ts_recent_) >= 0 && seg.seq.before_eq(last_ack_sent_)) {
    ts_recent_ = val;
    ts_recent_ms_ = ms32(now);
  }
}

void Connection::rtt_from_timestamp(Instant now, const Segment& seg) {
  // RTTM (RFC 7323 §4): an ACK of new data echoes the TSval of the segment it
  // acknowledges, so every such ACK gives a sample, retransmissions included.
  if (!ts_ok_ || !seg.options.timestamps || seg.options.timestamps->ecr == 0) return;
  if (bufs_ && bufs_->rexmit_ts_set &&
      static_cast<int32_t>(seg.options.timestamps->ecr - bufs_->rexmit_tsval) < 0) {
    return;
  }
  uint32_t elapsed_ms = ts_now(now) - seg.options.timestamps->ecr;
  if (elapsed_ms > 600'000) return;  // implausible: an echo from another era
  rtt_.sample(Duration::millis(std::max<uint32_t>(elapsed_ms, 1)), env_->config.rto_min,
              env_->config.rto_max);
  rtt_timing_ = false;
}

}  // namespace synack::tcp

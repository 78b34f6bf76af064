// SACK, sender side: the scoreboard and SACK-based loss recovery (RFC 6675).
// What the peer has SACKed is kept as ranges above SND.UNA; from them follow
// which holes count as lost (IsLost), how much is still in the network (pipe),
// and which hole to retransmit next (NextSeg rule 1).
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

namespace {
constexpr uint32_t kDupThresh = 3;  // RFC 6675 §2 DupThresh
}

bool Connection::update_scoreboard(const Segment& seg) {
  if (!sack_ok_ || seg.options.sack_count == 0 || snd_.una == snd_.max) return false;
  Buffers& b = bufs();
  uint32_t before = sacked_bytes();
  for (const auto& blk : seg.options.sack_blocks()) {
    SeqNum l(blk.left), r(blk.right);
    if (!l.before(r)) continue;
    // RFC 2883: a block at or below the cumulative ACK reports a duplicate.
    if (r.before_eq(seg.ack) || r.before_eq(snd_.una)) continue;
    if (r.after(snd_.max) || l.before(snd_.una - snd_.max_wnd)) continue;  // not data we sent
    b.sacked.insert(seq_max(l, snd_.una), r);
  }
  return sacked_bytes() > before;
}

uint32_t Connection::sacked_bytes() const {
  if (!bufs_) return 0;
  uint32_t n = 0;
  for (const auto& r : bufs_->sacked) n += r.len();
  return n;
}

SeqNum Connection::lost_boundary() const {
  // IsLost(seq) (RFC 6675 §4): DupThresh discontiguous SACKed ranges above seq,
  // or more than (DupThresh - 1) * SMSS SACKed bytes above it. Both grow as seq
  // falls, so every unSACKed octet below the returned boundary is lost.
  if (!bufs_) return snd_.una;
  const auto& s = bufs_->sacked;
  SeqNum boundary = snd_.una;
  uint32_t bytes = 0;
  for (size_t i = s.size(); i > 0; --i) {
    bytes += s[i - 1].len();
    if (s.size() - (i - 1) >= kDupThresh || bytes > (kDupThresh - 1) * send_mss()) {
      boundary = s[i - 1].begin;
      break;
    }
  }
  // Below a tail loss probe the peer has SACKed, everything is lost too
  // (RFC 8985 §6-7; see Buffers::probe_lost).
  if (bufs_->probe_lost && bufs_->probe_lost_below.after(boundary)) boundary = bufs_->probe_lost_below;
  return boundary;
}

uint32_t Connection::pipe() const {
  // SetPipe (RFC 6675 §4): unSACKed octets not yet deemed lost, plus octets
  // retransmitted in this recovery, between SND.UNA and SND.MAX.
  SeqNum lost_below = lost_boundary();
  SeqNum high_rxt = bufs_ ? bufs_->high_rxt : snd_.una;
  uint32_t pipe = 0;
  SeqNum a = snd_.una;
  auto count_hole = [&](SeqNum lo, SeqNum hi) {
    if (!lo.before(hi)) return;
    SeqNum not_lost_from = seq_max(lo, seq_min(hi, lost_below));
    pipe += static_cast<uint32_t>(hi - not_lost_from);
    SeqNum rxt_to = seq_min(hi, high_rxt);
    if (lo.before(rxt_to)) pipe += static_cast<uint32_t>(rxt_to - lo);
  };
  if (bufs_) {
    for (const auto& r : bufs_->sacked) {
      count_hole(a, r.begin);
      a = seq_max(a, r.end);
    }
  }
  count_hole(a, snd_.max);
  return pipe;
}

std::optional<base::SeqRange> Connection::next_lost_hole(uint32_t max_len) const {
  // NextSeg rule 1 (RFC 6675 §4): the first unSACKed octet above HighRxt that
  // IsLost; send up to one segment of it, not into SACKed data.
  if (!bufs_) return std::nullopt;
  SeqNum lost_below = lost_boundary();
  SeqNum a = seq_max(snd_.una, bufs_->high_rxt);
  for (const auto& r : bufs_->sacked) {
    if (r.end.before_eq(a)) continue;
    if (a.before(r.begin)) {
      SeqNum hi = seq_min(seq_min(r.begin, lost_below), a + max_len);
      if (a.before(hi)) return base::SeqRange{a, hi};
      return std::nullopt;
    }
    a = r.end;  // a was inside this SACKed range
  }
  return std::nullopt;
}

void Connection::enter_sack_recovery() {
  // RFC 6675 §5 step (4): RecoveryPoint = HighData; ssthresh = cwnd = FlightSize/2.
  in_recovery_ = true;
  bufs().recover = snd_.max;
  bufs().high_rxt = snd_.una;
  retransmit_head_ = true;
  cc_.on_enter_recovery(static_cast<uint32_t>(snd_.max - snd_.una), send_mss(), cubic_state(), /*sack=*/true);
  end_loss_probe_episode();  // this reduction covers what a pending probe would find (RFC 8985 §7.4)
  rtt_timing_ = false;
  ++stats().fast_retransmits;
}

void Connection::detect_lost_retransmission() {
  // RFC 6675 repairs each hole once; a lost retransmission waits for the RTO
  // (§5.1). But if the peer has SACKed data first sent after our latest
  // retransmission (new data sent during recovery) and the head hole, which
  // was retransmitted before that, is still missing, that retransmission is
  // lost: send the head again (RACK's inference, RFC 8985 §6.2, for the one
  // hole that holds back every cumulative ACK; Linux's tcp_mark_lost_retrans
  // did the same). The marker moves with that retransmission, so only more
  // new data SACKed later can repeat this.
  Buffers& b = *bufs_;
  if (!b.rxt_marker_set || b.sacked.empty() || !b.high_rxt.after(snd_.una)) return;
  if (!b.sacked[b.sacked.size() - 1].end.after(b.rxt_marker)) return;
  retransmit_head_ = true;
  b.rxt_marker_set = false;
  ++b.counters.lost_retransmits;
}

}  // namespace synack::tcp

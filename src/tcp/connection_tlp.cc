// Tail loss probe (RFC 8985 §7). When the last segments of a flight are lost,
// no duplicate ACKs come back and only the RTO would notice. Instead, about
// two round trips after the last transmission the sender sends one probe —
// the next unsent segment, or the last segment sent again — so that the ACK it
// elicits (with its SACK blocks) starts ordinary fast recovery. The probe
// timer (PTO) holds the retransmission timer's slot; the RTO takes it back
// whenever a probe may not be sent, and after every probe (§7.3).
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

namespace {
constexpr Duration kPtoSlack = Duration::millis(2);
}

bool Connection::loss_probe_allowed() const {
  // RFC 8985 §7.2: with SACK (the probe's ACK must tell what is missing), not
  // in fast recovery nor going back after a timeout (SND.NXT rewound, or a
  // timeout not yet followed by progress), and with nothing SACKed yet (the
  // scoreboard will start recovery itself). Cheapest tests first: this runs
  // for every segment of new data sent and every ACK of new data.
  if (!sack_ok_ || !bufs_ || in_recovery_ || rexmit_count_ > 0) return false;
  if (snd_.nxt != snd_.max || snd_.una == snd_.max || snd_.una == snd_.iss) return false;
  if (!bufs_->sacked.empty() || !env_->config.tail_loss_probe) return false;
  return kSendingStates.has(state_);
}

Duration Connection::probe_timeout() const {
  // RFC 8985 §7.2: PTO = 2*SRTT, plus WCDelAckT when the flight is a single
  // segment (the peer may hold its ACK for a second one), 1 s before any RTT
  // sample; never later than the RTO. Otherwise 2 ms of slack (Linux's
  // TCP_TIMEOUT_MIN): on a path of near-zero SRTT the probe would chase every
  // segment out. A FIN counts as no segment of its own.
  if (!rtt_.has_sample()) [[unlikely]] return std::min(Duration::seconds(1), rtt_.rto());
  const uint32_t flight = static_cast<uint32_t>(snd_.max - snd_.una) - (fin_queued_ && snd_.max.after(fin_seq()));
  const Duration pto =
      rtt_.srtt() * 2 + (flight <= send_mss() ? env_->config.tlp_delayed_ack_allowance : kPtoSlack);
  return std::min(pto, rtt_.rto());
}

void Connection::arm_loss_probe_or_retransmit(Instant now, bool restart_rto) {
  // More segments sent at the instant the PTO was set (the burst an ACK
  // releases) would set it to the same deadline, unless it had waited for a
  // delayed ACK that the flight no longer calls for.
  if (!restart_rto && timers_.armed(Timer::LossProbe) && bufs_->pto_set_at == now && !bufs_->pto_single) return;
  const bool probe = loss_probe_allowed();
  if (!probe && (restart_rto || timers_.main_free())) {
    arm_retransmit(now);  // RFC 6298 §5.1, §5.3
    return;
  }
  Instant rto_at = now + rtt_.rto();
  if (!restart_rto) {
    if (timers_.armed(Timer::Retransmit)) {
      if (!probe) return;  // §5.1: a running RTO keeps its deadline
      rto_at = timers_.at(Timer::Retransmit);
    } else if (timers_.armed(Timer::LossProbe)) {
      rto_at = bufs_->rto_due;
    }
  }
  if (probe) {
    // The probe goes before the RTO would fire, never after (§7.2).
    const Duration pto = probe_timeout();
    bufs_->rto_due = rto_at;
    bufs_->pto_set_at = now;
    bufs_->pto_single = pto > rtt_.srtt() * 2 + kPtoSlack;
    timers_.set(Timer::LossProbe, base::earliest(now + pto, rto_at));
  } else {
    timers_.set(Timer::Retransmit, rto_at);
  }
}

void Connection::on_loss_probe_timeout(Instant now) {
  timers_.clear(Timer::LossProbe);
  if (!loss_probe_allowed()) {
    // Something changed since the PTO was set (SACKs came, recovery began):
    // the RTO it stood in for keeps its deadline.
    timers_.set(Timer::Retransmit, std::max(bufs_->rto_due, now));
    return;
  }
  bufs_->loss_probe_now = true;  // poll_transmit sends it (build_loss_probe)
  // §7.3: whether or not a probe goes, the RTO (not another PTO) guards what
  // follows: RTO recovery stays the last resort.
  arm_retransmit(now);
}

bool Connection::build_loss_probe(Instant now, base::MutBytes buf, Segment& s) {
  // Called from build_data_segment when Buffers::loss_probe_now. The probe ignores the
  // congestion window (§7.3: it is one segment, sent instead of a silence).
  segment_options(now, true, s.options);
  const uint32_t mss = snd_.mss - static_cast<uint32_t>(s.options.wire_size());
  const SeqNum end = data_end();
  const bool fin_sent = fin_queued_ && snd_.max.after(end);
  const int64_t wnd_room = int64_t{snd_.wnd} - (snd_.max - snd_.una);
  SeqNum from;
  uint32_t len = 0;
  bool fin = false;
  bool fresh = true;
  if (snd_.max.before(end) && wnd_room > 0) {
    // §7.3: a segment not sent before, if the peer's window takes it.
    from = snd_.max;
    len = static_cast<uint32_t>(std::min<int64_t>({int64_t{mss}, end - from, wnd_room}));
    fin = fin_queued_ && from + len == end;
  } else if (fin_queued_ && !fin_sent && !snd_.max.before(end)) {
    from = end;  // only the FIN is new
    fin = true;
  } else {
    // ...else the last segment sent, again, unless an earlier such probe is
    // still unresolved (§7.4 tells one episode at a time).
    if (bufs().tlp_episode) {
      bufs_->loss_probe_now = false;
      return false;
    }
    // The highest-sequence segment sent: from where the last new segment
    // began (a bare FIN, if that went alone), at most one MSS of data.
    const SeqNum data_top = fin_sent ? end : snd_.max;
    from = seq_max(seq_max(snd_.una, data_top - mss), seq_min(bufs_->last_seg_seq, data_top));
    len = static_cast<uint32_t>(std::max(0, data_top - from));
    fin = fin_sent;
    fresh = false;
  }
  make_data_segment(s, buf, from, len, end);
  if (fin) s.flags |= flags::kFin;
  if (s.seq_len() == 0) {
    bufs_->loss_probe_now = false;
    return false;
  }
  s.wnd = window_field();
  mark_urgent(s);
  s.retransmission = !fresh;
  s.loss_probe = true;
  if (ecn_ok_) [[unlikely]] ecn_mark(s);
  if (!fresh) {
    bufs_->tlp_end_seq = snd_.max;
    bufs_->tlp_probe_seq = from;
    bufs_->tlp_episode = true;
  }
  ++stats().loss_probes;
  on_segment_sent(now, s, /*advance=*/fresh);  // loss_probe_now still set: no new PTO
  bufs_->loss_probe_now = false;
  arm_retransmit(now);  // §7.3
  return true;
}

void Connection::process_loss_probe_ack(const Segment& seg) {
  // §7.4: did the probe that repeated the last segment repair a loss? Called
  // for every ACK while an episode is open, before SND.UNA moves.
  Buffers& b = *bufs_;
  const SeqNum end = b.tlp_end_seq;
  auto blocks = seg.options.sack_blocks();
  if (seg.ack.before(b.tlp_probe_seq)) {
    // The probe arrived (a SACK block holds its first octet) but data sent
    // before it did not: RACK's inference (§6.2), with a reordering window of
    // the two round trips the PTO already waited. The scoreboard counts it
    // lost (lost_boundary) and SACK recovery repairs it.
    for (const auto& blk : blocks) {
      SeqNum l(blk.left), r(blk.right);
      if (l.before_eq(b.tlp_probe_seq) && r.after(b.tlp_probe_seq)) {
        b.probe_lost = true;
        b.probe_lost_below = b.tlp_probe_seq;
        break;
      }
    }
    return;
  }
  if (seg.ack.before(end)) return;
  if (!blocks.empty()) {
    // A D-SACK (RFC 2883: the first block, below the ACK or inside the second
    // block) for the probe: the original arrived too. No loss.
    SeqNum l(blocks[0].left), r(blocks[0].right);
    bool dsack = r.before_eq(seg.ack) ||
                 (blocks.size() > 1 && !l.before(SeqNum(blocks[1].left)) && !r.after(SeqNum(blocks[1].right)));
    if (dsack && l.before(end) && r.after_eq(end - 1)) {
      b.tlp_episode = false;
      return;
    }
  }
  if (seg.ack.after(end)) {
    // Data beyond the probe is acknowledged and no D-SACK came for it: the
    // probe filled a hole. React as to any loss: reduce the window.
    b.tlp_episode = false;
    ++b.counters.loss_probe_recoveries;
    cc_.on_loss_repaired(static_cast<uint32_t>(snd_.max - snd_.una), send_mss(), cubic_state());
    return;
  }
  // A duplicate ACK without SACK blocks: the probe reached a peer that had
  // everything already. No loss.
  if (seg.ack == snd_.una && blocks.empty() && seg.len() == 0 && !seg.syn() && !seg.fin()) b.tlp_episode = false;
}

}  // namespace synack::tcp

#pragma once
// tcp::Buffers — what a connection allocates on demand, apart from its control
// block: the send and receive rings and rarely-needed state (reassembly, SACK,
// urgent pointers, counters). Allocated when the first byte is queued or
// received, so an idle connection that never carried data costs only its
// control block.
#include <array>
#include <cstdint>
#include <optional>

#include "base/interval_set.h"
#include "base/ring_buffer.h"
#include "base/seq_num.h"
#include "base/time.h"
#include "tcp/congestion.h"
#include "tcp/drop_reason.h"
#include "tcp/error.h"

namespace synack::tcp {

using base::SeqNum;

// Per-connection counters (stack-wide ones live in the stack).
// What a connection with data queued is doing, for TCP_INFO's chronographs.
// A later kind takes over from an earlier one (as in Linux): a sender held
// back by the peer's window is still busy, and is counted as the former.
enum class Chrono : uint8_t {
  None,           // nothing queued
  Busy,           // data queued (unacknowledged or unsent)
  RwndLimited,    // the next segment does not fit the peer's receive window
  SndbufLimited,  // the application found the send buffer full
};

struct ConnCounters {
  uint32_t drops = 0;
  uint32_t retransmits = 0;       // segments sent again (RTO, fast retransmit)
  uint32_t timeouts = 0;          // retransmission timer expirations
  uint32_t fast_retransmits = 0;  // RFC 5681 §3.2
  uint32_t dup_acks_in = 0;
  uint32_t challenge_acks = 0;    // RFC 5961
  uint32_t probes = 0;            // zero-window probes
  uint32_t keepalive_probes = 0;  // keep-alive probes (RFC 9293 §3.8.4)
  uint32_t loss_probes = 0;       // tail loss probes sent (RFC 8985 §7.3)
  uint32_t loss_probe_recoveries = 0;  // probes that repaired a loss (RFC 8985 §7.4)
  uint32_t lost_retransmits = 0;  // retransmissions found lost in SACK recovery, sent again
  uint32_t ecn_ce_received = 0;   // segments that arrived marked CE (RFC 3168 §6.1.3)
  uint32_t ecn_reductions = 0;    // congestion window cuts for an ECN-Echo (RFC 3168 §6.1.2)
  DropReason last_drop = DropReason::None;
};

struct Buffers {
  base::ByteRing snd;          // [snd_seq, data_end): unacked and unsent data
  SeqNum snd_seq;              // sequence number of the first byte in `snd`
  base::ByteRing rcv;          // unread in-order data, then out-of-order data ahead
  base::SeqRangeSet<8> ooo;    // out-of-order ranges held above RCV.NXT
  std::optional<SeqNum> ooo_fin;  // a FIN seen ahead of RCV.NXT
  // SACK, receiver side (RFC 2018 §4, RFC 2883): arrival order of
  // out-of-order segments, and a duplicate to report once.
  std::array<SeqNum, 4> sack_recent{};
  uint8_t sack_recent_n = 0;
  std::optional<base::SeqRange> dsack;
  // SACK, sender side (RFC 6675): SACKed ranges above SND.UNA, and HighRxt.
  base::SeqRangeSet<16> sacked;
  SeqNum high_rxt;
  // SND.MAX when the latest retransmission of this recovery went out. Once
  // the peer SACKs data above it, everything sent before has had its chance:
  // a head still missing then was lost again (RACK's time order, RFC 8985 §6).
  SeqNum rxt_marker;
  bool rxt_marker_set = false;
  // ECN (RFC 3168 §6.1.2): the window is cut for an ECN-Echo at most once per
  // round trip, i.e. not again until data sent after the cut (above
  // ecn_recover, SND.MAX at the cut) is acknowledged.
  SeqNum ecn_recover;
  bool ecn_cut = false;
  // Tail loss probe (RFC 8985 §7.4): SND.MAX after a probe that repeated the
  // last segment, while we wait to learn whether it repaired a loss.
  SeqNum tlp_end_seq;    // valid while tlp_episode
  SeqNum tlp_probe_seq;  // where that probe began
  bool tlp_episode = false;
  // The peer SACKed such a probe while holes remained below it: everything
  // unSACKed below probe_lost_below was sent before the probe, two round
  // trips earlier, and is lost (RFC 8985 §6: time order, not DupThresh).
  bool probe_lost = false;
  SeqNum probe_lost_below;  // valid while probe_lost
  bool loss_probe_now = false;  // the PTO fired: send a probe (RFC 8985 §7.3)
  SeqNum last_seg_seq;  // where the last segment of new data began: the one a probe repeats
  // While the PTO holds the timer slot, when the RTO it stands in for is due,
  // when the PTO was set and whether it waited for a delayed ACK (one segment
  // in flight): a burst of segments sent at that same instant leaves it as is.
  base::Instant rto_due;
  base::Instant pto_set_at;
  bool pto_single = false;
  // TSval of the first retransmission since the last forward progress: an
  // echo older than that measures a round trip that included the loss (RFC
  // 7323 §4.3 keeps TS.Recent at the segment before a hole): no RTT sample.
  uint32_t rexmit_tsval = 0;
  bool rexmit_ts_set = false;
  // Urgent pointers (§3.8.5; RFC 6093: each points just past the urgent
  // data). Urgent data only comes with data, so it lives here, not in the
  // control block.
  SeqNum snd_up;  // valid while snd_urgent
  SeqNum rcv_up;  // valid while rcv_urgent
  bool snd_urgent = false;  // urgent mode on send: SND.UP ahead of SND.UNA
  bool rcv_urgent = false;  // RCV.UP has been set by the peer
  ConnCounters counters;
  // A RECEIVE the application queued with its own buffer (Connection::post_recv):
  // [posted, posted + posted_cap), of which posted_len bytes have landed.
  uint8_t* posted = nullptr;
  uint32_t posted_cap = 0;
  uint32_t posted_len = 0;
  // CUBIC's state (RFC 9438), used while Connection::cubic_ is set: it only
  // changes as data is acknowledged or lost.
  CubicState cubic;
  // Congestion window validation (the aim of RFC 7661, the rule of Linux's
  // tcp_cwnd_validate): the largest flight of the current window, the
  // sequence number that ends that window, and whether sending was held back
  // by cwnd in it. cwnd grows only on ACKs of a window that used it.
  uint32_t flight_max = 0;
  SeqNum cwnd_usage_seq;
  bool cwnd_limited = false;
  // Decay of an unused cwnd (RFC 2861 §3, Linux's snd_cwnd_used and
  // snd_cwnd_stamp): the largest flight since cwnd was last used in full or
  // decayed, and when that was (us32; 0: not yet).
  uint32_t cwnd_used = 0;
  uint32_t cwnd_stamp_us = 0;
  // Chronographs (Linux's tcp_chrono_*, TCP_INFO's tcpi_busy_time,
  // tcpi_rwnd_limited, tcpi_sndbuf_limited): which one runs and since when,
  // and what each has measured before (microseconds; a bulk sender switches
  // clocks at every write and ACK, so no division on the way).
  Chrono chrono = Chrono::None;
  int64_t chrono_start_us = 0;
  std::array<uint64_t, 3> chrono_us{};  // indexed by Chrono - 1
  // Send-side state that matters only once data is queued (the control block
  // keeps what a connection needs to open, close and sit idle):
  SeqNum snd_sml;     // end of the last short segment sent (Nagle, Minshall's variant)
  // Corking (Linux's TCP_CORK in AppOptions, MSG_MORE for one send): a short
  // segment waits for the data that fills it. `more`: the last send() said
  // more follows, so its data carries no PSH; `more_hold`: and a short
  // segment of it waits, until an ACK comes or a send without MSG_MORE.
  // A push (TCP_NODELAY set, Linux's TCP_NAGLE_PUSH) lets the data queued
  // before it, up to push_end, go anyway.
  bool more = false;
  bool more_hold = false;
  // TCP_DEFER_ACCEPT: the peer's bare ACK of our SYN,ACK came and was set
  // aside; the SYN,ACK is not repeated until the deferral's last timeout.
  bool defer_acked = false;
  bool push_set = false;
  SeqNum push_end;
  SeqNum recover;     // NewReno recovery point (RFC 6582)
  uint32_t last_send_ms = 0;  // for restart after idle (RFC 5681 §4.1), valid if sent
  bool sent = false;          // a segment has been sent since these Buffers came
  // A RST waiting to be sent: <SEQ=rst_seq>[<ACK=rst_ack>] (Connection::rst_pending_).
  SeqNum rst_seq;
  SeqNum rst_ack;
  // What the application set for this connection; 0: the Config's. Setting
  // one allocates Buffers, which a connection carrying data has anyway. They
  // outlive a return to LISTEN (Connection::return_to_listen).
  struct AppOptions {
    uint32_t snd_limit = 0;        // send buffer size
    uint32_t user_timeout_ms = 0;  // R2 override (MUST-21)
    uint16_t ka_idle_s = 0;        // keep-alive idle time, seconds
    uint16_t ka_intvl_s = 0;       // keep-alive probe interval, seconds
    uint8_t ka_probes = 0;         // keep-alive probe count
    uint8_t fin_wait_2_s = 0;      // orphaned FIN-WAIT-2 timeout, seconds (TCP_LINGER2)
    uint16_t mss_limit = 0;        // TCP_MAXSEG (Connection::set_mss_limit)
    bool no_options = false;       // TCP_NOOPT (Connection::set_no_options)
    bool cork = false;             // TCP_CORK (Connection::set_cork)
    uint8_t defer_accept = 0;      // TCP_DEFER_ACCEPT, in SYN,ACK timeouts (Connection::set_defer_accept)
  } app;
  std::optional<Error> soft_error;  // the last ICMP soft error (MUST-47, SHLD-25)
};

}  // namespace synack::tcp

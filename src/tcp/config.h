#pragma once
// Connection configuration, shared by every connection of a stack (connections
// hold a pointer, not a copy). Defaults follow RFC 9293 and its companions; where
// we choose a value the RFC leaves open, the comment says why.
#include <cstdint>

#include "base/time.h"

namespace synack::tcp {

using base::Duration;

enum class CcAlgorithm : uint8_t { NewReno, Cubic };

struct Config {
  // --- Segment sizes (RFC 9293 §3.7.1) ---
  // MSS we advertise: an MTU of 1500 minus 20 (IPv4) and 20 (TCP) (MUST-67).
  uint16_t mss = 1460;

  // --- Buffers: upper limits; memory is taken on demand. Defaults for every
  // connection; Connection::set_send_buffer/set_recv_buffer override them. ---
  uint32_t send_buffer = 256 * 1024;
  uint32_t recv_buffer = 256 * 1024;

  // --- Timers ---
  // MSL 30 s gives a 60 s TIME-WAIT, what Linux (fixed 60 s) and FreeBSD (MSL 30 s)
  // use. RFC 9293 §3.4.1 suggests 2 minutes as an "engineering choice"; 60 s is the
  // common practice and is configurable.
  Duration msl = Duration::seconds(30);
  Duration rto_initial = Duration::seconds(1);  // RFC 6298 §2.1
  // RFC 6298 §2.4 asks for a 1 s minimum (SHOULD); like Linux we default to 200 ms,
  // which modern paths justify and RFC 6298 §4 permits to be tuned.
  Duration rto_min = Duration::millis(200);
  Duration rto_max = Duration::seconds(60);     // RFC 6298 §2.5: at least 60 s
  // Delayed ACK (RFC 9293 §3.8.6.3, MUST-40: < 0.5 s). 40 ms as Linux and FreeBSD.
  Duration delayed_ack = Duration::millis(40);
  // ACK the first data segments of a connection at once instead of delaying
  // (Linux's "quick ACK" mode): the peer's slow start grows its window per ACK.
  // RFC 9293 §3.8.6.3 allows ACKing more often than every second segment.
  // 0 gives the classic BSD behaviour.
  uint8_t quick_acks = 16;
  // R2 for data (SHLD-11: at least 100 s) and for SYN (MUST-23: at least 3 minutes).
  Duration r2 = Duration::seconds(100);
  Duration r2_syn = Duration::seconds(180);
  // ...and at least this many retransmissions of it: when the RTO has backed
  // off to its maximum, R2 alone would allow only one or two (Linux counts 15).
  // Not applied to a user timeout (MUST-21: the application's R2 is exact).
  uint8_t r2_min_retransmissions = 8;
  // R1: after this many retransmissions of one segment the connection reports
  // "delivery trouble" (SHLD-10: at least 3).
  uint8_t r1_retransmissions = 3;
  // How long an orphaned connection (the application called close()) may sit in
  // FIN-WAIT-2 waiting for the peer's FIN (as Linux's tcp_fin_timeout).
  Duration fin_wait_2_timeout = Duration::seconds(60);
  // Keep-alive (RFC 9293 §3.8.4), for connections that switch it on (off by
  // default, MUST-25; per connection, MUST-24). After `keepalive_idle` without
  // receiving anything (MUST-27, MUST-28: at least 2 hours; 7200 s as Linux and
  // FreeBSD), a probe every `keepalive_interval`; after `keepalive_probes`
  // unanswered probes the connection times out (MUST-29: one is not enough).
  // Linux's defaults (FreeBSD counts 8 probes).
  Duration keepalive_idle = Duration::seconds(7200);
  Duration keepalive_interval = Duration::seconds(75);
  uint8_t keepalive_probes = 9;

  // --- Behaviour switches ---
  bool nagle = true;              // SHLD-7, MUST-17 (per connection switch too)
  bool keepalive = false;         // MUST-25: off unless asked for (per connection switch too)
  bool rfc5961_rst = true;        // RFC 5961 §3: challenge ACK for in-window RST != RCV.NXT
  bool rfc5961_syn = true;        // RFC 5961 §4: challenge ACK for SYN in synchronized states
  bool rfc5961_ack = true;        // RFC 5961 §5: drop ACKs below SND.UNA - MAX.SND.WND
  bool rfc1337 = true;            // ignore RST in TIME-WAIT (RFC 1337 "TIME-WAIT assassination")
  bool drop_synfin = false;       // silently drop SYN+FIN (FreeBSD's net.inet.tcp.drop_synfin)
  bool window_scaling = true;     // RFC 7323 §2
  bool timestamps = true;         // RFC 7323 §3-5 (negotiated only if both sides offer)
  bool sack = true;               // RFC 2018 (negotiated only if both sides offer)
  // ECN (RFC 3168): offer it in our SYNs and accept a peer's offer. Off by
  // default, as in Linux's client side: a path that mangles the ECN bits or
  // drops ECN-setup SYNs is still met in the wild.
  bool ecn = false;
  // How many times a SYN that went unanswered is sent again still offering ECN
  // before the offer is dropped, in case the path discards ECN-setup SYNs
  // (RFC 3168 §6.1.1.1 allows it). FreeBSD's net.inet.tcp.ecn.maxretries (1);
  // Linux falls back at the first retransmission (0).
  uint8_t ecn_syn_retries = 1;
  // Tail loss probe (RFC 8985 §7): when a SACK connection's flight goes
  // unacknowledged for about two round trips, send one segment (new data, or
  // the last one again) so the peer's ACK starts fast recovery instead of
  // waiting for the RTO. As Linux (net.ipv4.tcp_early_retrans=3).
  bool tail_loss_probe = true;
  // WCDelAckT (RFC 8985 §7.2): added to the probe timeout when one segment is
  // in flight, whose ACK the peer may delay. RFC 8985 recommends 200 ms.
  Duration tlp_delayed_ack_allowance = Duration::millis(200);
  // Header prediction (Van Jacobson's, as in BSD and Linux): the common
  // ESTABLISHED segment takes a short path with the same outcome as the general
  // one of RFC 9293 §3.10.7.4. Off only to check exactly that (the property test).
  bool header_prediction = true;
  CcAlgorithm congestion_control = CcAlgorithm::NewReno;
  uint8_t ttl = 64;               // MUST-49: configurable
};

}  // namespace synack::tcp

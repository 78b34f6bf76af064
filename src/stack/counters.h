#pragma once
// Stack-wide counters: every packet in and out, and every drop by reason.
#include <array>
#include <cstdint>

#include "tcp/buffers.h"
#include "tcp/drop_reason.h"
#include "wire/parse_error.h"

namespace synack::stack {

struct StackCounters {
  uint64_t ip_in = 0;
  uint64_t ip_out = 0;
  uint64_t tcp_in = 0;
  uint64_t tcp_out = 0;
  uint64_t rst_out = 0;
  uint64_t icmp_echo_replies = 0;
  uint64_t icmp_errors_in = 0;    // destination unreachable, time exceeded, parameter problem
  uint64_t icmp_errors_used = 0;  // ...that matched a connection and a sequence number we sent
  uint64_t active_opens = 0;
  uint64_t passive_opens = 0;
  uint64_t time_wait_compacted = 0;
  uint64_t time_wait_reused = 0;
  uint64_t control_queue_full = 0;  // RST/ICMP replies not sent: queue full
  // Loss recovery of the connections that have ended (their tcp::ConnCounters
  // added up when the control block is freed).
  uint64_t retransmits = 0;
  uint64_t timeouts = 0;
  uint64_t fast_retransmits = 0;
  uint64_t loss_probes = 0;
  uint64_t loss_probe_recoveries = 0;
  uint64_t lost_retransmits = 0;
  // ECN (RFC 3168) of the connections that have ended, likewise.
  uint64_t ecn_ce_received = 0;
  uint64_t ecn_reductions = 0;
  std::array<uint64_t, tcp::kNumDropReasons> drops{};
  std::array<uint64_t, 12> parse_errors{};  // by wire::ParseError

  uint64_t drops_total() const {
    uint64_t n = 0;
    for (size_t i = 1; i < drops.size(); ++i) n += drops[i];
    return n;
  }
  void count_drop(tcp::DropReason r) { ++drops[static_cast<size_t>(r)]; }
  void add_connection(const tcp::ConnCounters& c) {
    // Most connections lose and mark nothing: test once (every other counter
    // here comes with a retransmission, a timeout, a probe or a CE mark).
    if ((c.retransmits | c.timeouts | c.loss_probes | c.ecn_ce_received | c.ecn_reductions) == 0) return;
    ecn_ce_received += c.ecn_ce_received;
    ecn_reductions += c.ecn_reductions;
    retransmits += c.retransmits;
    timeouts += c.timeouts;
    fast_retransmits += c.fast_retransmits;
    loss_probes += c.loss_probes;
    loss_probe_recoveries += c.loss_probe_recoveries;
    lost_retransmits += c.lost_retransmits;
  }
};

}  // namespace synack::stack

#pragma once
// The state of one run (internal to the runner): the stack and its clock, the socket
// layer, the socket under test, the sequence mapping, and a blocking call in flight.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "pdrill/driver.h"
#include "pdrill/outcome.h"
#include "pdrill/packet_build.h"
#include "pdrill/run_config.h"
#include "pdrill/seq_map.h"
#include "pdrill/sockets.h"
#include "pdrill/sut.h"
#include "pdrill/timing.h"
#include "script/script.h"

namespace synack::pdrill {

class Run {
 public:
  Run(const script::Script& s, const RunConfig& cfg);
  Outcome execute();

 private:
  struct Pending {
    const script::Event* event = nullptr;
    EventTiming timing;
    std::optional<SysResult> result;
    base::Instant returned_at;
  };

  bool do_event(const script::Event& e, const EventTiming& t);
  // run_packets.cc
  bool do_inbound(const script::Event& e, const script::Packet& p, const EventTiming& t);
  bool do_outbound(const script::Event& e, const script::Packet& p, const EventTiming& t);
  bool wait_for_outbound(base::Instant limit);
  void drop_foreign_packets();
  bool map_ts_ecr(const script::Event& e, script::Packet& p);
  void learn_ts(const script::Packet& p, const LivePacket& got);
  std::optional<std::string> check_ts_val(const script::Packet& p, const LivePacket& got, const EventTiming& t);
  bool report_missing(const script::Event& e, const script::Packet& p, const EventTiming& t);
  LivePacket take_outbound(const script::Packet& p, base::Instant limit);
  Addressing address_inbound(const script::Packet& p);
  void end_of_script();
  // run_calls.cc
  bool do_syscall(const script::Event& e, const script::Syscall& c, const EventTiming& t);
  bool do_code(const script::Event& e, const script::Code& c);
  bool check_result(const script::Event& e, const script::Syscall& c, const SysResult& r);
  bool wait_inline(const script::Event& e, const script::Syscall& c, const EventTiming& t);
  void on_step();
  bool advance(base::Instant t);
  bool settle_pending();
  tcp::State sut_state() const;
  wire::FourTuple sut_tuple() const;
  std::optional<int64_t> tcpi(std::string_view field) const;

  bool fail(const script::Event& e, std::string message, std::string expected = {}, std::string actual = {});
  bool unsupported(const script::Event& e, std::string what);
  base::Instant at(int64_t usecs) const { return base::Instant::from_micros(usecs); }

  const script::Script& script_;
  RunConfig cfg_;
  Driver driver_;
  SeqMap map_;
  Sut sut_;
  Sockets sockets_;
  Outcome out_;
  bool stopped_ = false;
  int64_t base_ = 0;  // actual time of the previous event (µs), packetdrill's relative base
  std::optional<Pending> pending_;
  uint16_t next_remote_port_ = 40000;
  // Script TSval -> live TSval of matched outbound packets, to rewrite inbound TSecr
  // (packetdrill's ts_val_map).
  std::map<uint32_t, uint32_t> ts_map_;
  // The first outbound TSval matched: (script, live), the base of --tcp_ts_tick_usecs checks.
  std::optional<std::pair<uint32_t, uint32_t>> ts_first_;
  // For the end-of-script RST: the remote side's next sequence number and ours (live).
  std::optional<uint32_t> remote_next_;
  std::optional<uint32_t> local_next_;
};

}  // namespace synack::pdrill

#pragma once
// The echo scenario behind `synack demo` (and the simulator's property tests):
// a client 10.0.0.1 and a server 10.0.0.2 on one simulated link. The client
// connects, sends `bytes` bytes, the server sends them back, both close, and
// the run continues on virtual time until nothing is left to happen (TIME-WAIT
// included). The run succeeded when the data arrived byte-exact both ways and
// both hosts hold no connection and no TIME-WAIT record.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "link/link_event.h"
#include "link/pcap_recorder.h"
#include "sim/link_params.h"
#include "sim/sim_link.h"
#include "sim/sim_network.h"
#include "stack/observer.h"

namespace synack::sim {

enum class OpenMode : uint8_t {
  Normal,        // the server listens on port 80, the client connects
  Simultaneous,  // both connect to each other at the same instant (RFC 9293 §3.5 Figure 8)
};
enum class CloseMode : uint8_t {
  Client,  // the client closes after the whole echo; the server after end of stream
  Server,  // the server closes after echoing everything; the client after end of stream
  Both,    // both close at the same instant once the data is through (§3.6 Figure 13)
};
std::string_view to_string(OpenMode m);
std::string_view to_string(CloseMode m);

inline constexpr uint16_t kEchoServerPort = 80;
inline constexpr uint16_t kSimultaneousClientPort = 40000;

struct EchoConfig {
  uint64_t seed = 1;
  uint64_t bytes = 1000;
  std::optional<uint32_t> client_isn;  // nothing: RFC 6528, keyed from the seed
  std::optional<uint32_t> server_isn;
  uint16_t mss = 1460;                 // MSS both hosts advertise (capped by the MTU)
  uint16_t mtu = 1500;                 // both hosts' and the link's MTU
  base::Duration msl = base::Duration::seconds(30);
  // R2, how long both hosts retransmit before giving up (data and SYN);
  // nothing: the stack's defaults (100 s and 180 s, RFC 9293 §3.8.3).
  std::optional<base::Duration> user_timeout;
  bool ecn = false;                    // both hosts offer and accept ECN (RFC 3168)
  tcp::CcAlgorithm congestion_control = tcp::CcAlgorithm::NewReno;  // both hosts' (RFC 5681/6582, RFC 9438)
  LinkParams link;                     // both directions (its mtu is replaced by `mtu`)
  OpenMode open = OpenMode::Normal;
  CloseMode close = CloseMode::Client;
  RunLimits limits;
};

// Who watches the run (all optional, none owned).
struct EchoWatchers {
  stack::Observer* client = nullptr;
  stack::Observer* server = nullptr;
  link::LinkObserver* link = nullptr;
  link::PcapRecorder* pcap = nullptr;  // records at the client's interface
};

struct EchoResult {
  bool ok = false;
  std::string problem;           // why not ok
  uint64_t to_server = 0;        // bytes the server read, checked
  uint64_t to_client = 0;        // bytes of echo the client read, checked
  RunStatus status = RunStatus::Idle;
  base::Instant finished;        // virtual time when the network went idle
  wire::FourTuple client_tuple;  // the connection, from the client's side
  stack::StackCounters client_counters, server_counters;
  LinkCounters to_server_link, to_client_link;
  size_t client_connections = 0, server_connections = 0;  // left at the end
  size_t client_time_wait = 0, server_time_wait = 0;
};

EchoResult run_echo(const EchoConfig& cfg, const EchoWatchers& watch = {});

}  // namespace synack::sim

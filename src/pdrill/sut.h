#pragma once
// packetdrill's "socket under test" (dialect §1.4, portable/README.md requirement 3):
// the connection of the last connect(), or the one created by the last inbound SYN to
// a listener. Inbound packets are addressed to it, and `tcpi_state` reads its TCB.
#include <cstdint>

#include "wire/ipv4_addr.h"

namespace synack::pdrill {

struct Sut {
  enum class Kind : uint8_t {
    None,      // nothing yet: packets go to --bind_port
    Bound,     // bind() without listen(): no TCB, the stack answers as CLOSED
    Listener,  // listen(): an inbound SYN creates a passive child
    Active,    // connect()
    Passive,   // a child created by an inbound SYN
  };
  Kind kind = Kind::None;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;  // 0 until chosen

  bool is_connection() const { return kind == Kind::Active || kind == Kind::Passive; }
};

// Per-run addresses and ports (packetdrill's --local_ip, --remote_ip, --bind_port,
// --connect_port).
struct SocketEnv {
  wire::Ipv4Addr local_ip{192, 168, 0, 1};
  wire::Ipv4Addr remote_ip{192, 0, 2, 1};
  uint16_t bind_port = 8080;
  uint16_t connect_port = 8080;
};

}  // namespace synack::pdrill

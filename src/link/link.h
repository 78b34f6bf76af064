#pragma once
// link::Link — a packet device under a stack: what the stack sends through and
// receives from. Implementations: the simulator's links, the Linux TUN device;
// decorators (pcap recording, impairment) wrap any Link.
#include <cstddef>
#include <optional>

#include "base/bytes.h"
#include "base/time.h"

namespace synack::link {

class Link {
 public:
  virtual ~Link() = default;
  // Hand one IPv4 packet to the link. The bytes are copied before returning.
  virtual void send(base::Instant now, base::Bytes packet) = 0;
  // The next packet that has arrived, copied into `buf`; its size, or nothing.
  virtual std::optional<size_t> receive(base::Instant now, base::MutBytes buf) = 0;
  // For simulated links: when the next packet becomes receivable.
  virtual base::Instant next_arrival() const { return base::Instant::never(); }
  // For device links: a file descriptor that becomes readable when a packet
  // arrives (for epoll), or -1.
  virtual int fd() const { return -1; }
};

}  // namespace synack::link

#pragma once
// link::TunLink — a Linux TUN device (/dev/net/tun, IFF_TUN | IFF_NO_PI): the
// kernel on the other side of the device is a real peer. Packets are IPv4
// datagrams without any link header. The descriptor is non-blocking; the owner
// watches fd() with epoll and calls receive() until it returns nothing.
//
// One read() or write() moves one packet (TUN has no multi-packet calls), so a
// wakeup drains every queued packet before going back to epoll.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "link/link.h"

namespace synack::link {

// Why a TUN device could not be opened, with what to do about it.
struct TunError {
  enum class Kind : uint8_t {
    NoDevice,          // /dev/net/tun missing (ENOENT/ENODEV): load the tun module
    PermissionDenied,  // EPERM/EACCES: run as root or grant CAP_NET_ADMIN
    NameTaken,         // EBUSY: another process holds the device, or it is not a TUN
    InvalidName,       // empty or longer than IFNAMSIZ-1
    Other,
  };
  Kind kind = Kind::Other;
  int err = 0;          // errno
  std::string message;  // one line: what failed and what to do
};
std::string_view to_string(TunError::Kind k);

struct TunCounters {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_reads = 0;      // read() calls, the last one of a batch says EAGAIN
  uint64_t rx_skipped = 0;    // not IPv4 (e.g. IPv6 router solicitations): not for the stack
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_errors = 0;     // write() failed (device down, queue full): the packet is lost
};

class TunLink final : public Link {
 public:
  // Opens (creating it if needed) the TUN device `name` in the calling
  // thread's network namespace. The device lives as long as the TunLink unless
  // it was made persistent by someone else (`ip tuntap add`).
  static base::Expected<std::unique_ptr<TunLink>, TunError> open(std::string_view name);
  ~TunLink() override;
  TunLink(const TunLink&) = delete;
  TunLink& operator=(const TunLink&) = delete;

  void send(base::Instant now, base::Bytes packet) override;
  std::optional<size_t> receive(base::Instant now, base::MutBytes buf) override;
  int fd() const override { return fd_; }

  const std::string& name() const { return name_; }
  const TunCounters& counters() const { return counters_; }

 private:
  TunLink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_;
  std::string name_;
  TunCounters counters_;
};

}  // namespace synack::link

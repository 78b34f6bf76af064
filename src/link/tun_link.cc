// TunLink: open /dev/net/tun with TUNSETIFF, then plain non-blocking read/write.
#include "link/tun_link.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace synack::link {

std::string_view to_string(TunError::Kind k) {
  switch (k) {
    case TunError::Kind::NoDevice: return "no TUN device";
    case TunError::Kind::PermissionDenied: return "permission denied";
    case TunError::Kind::NameTaken: return "name taken";
    case TunError::Kind::InvalidName: return "invalid name";
    case TunError::Kind::Other: return "error";
  }
  return "?";
}

namespace {

TunError open_error(int err) {
  TunError e;
  e.err = err;
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      e.kind = TunError::Kind::NoDevice;
      e.message = "cannot open /dev/net/tun (" + std::string(strerror(err)) +
                  "): load the tun module (`modprobe tun`) or, in a container, pass the device "
                  "through (e.g. `--device /dev/net/tun`)";
      return e;
    case EPERM:
    case EACCES:
      e.kind = TunError::Kind::PermissionDenied;
      e.message = "cannot open /dev/net/tun (" + std::string(strerror(err)) +
                  "): run as root or give the program CAP_NET_ADMIN";
      return e;
    default:
      e.message = "cannot open /dev/net/tun: " + std::string(strerror(err));
      return e;
  }
}

TunError setiff_error(int err, const std::string& name) {
  TunError e = open_error(err);
  if (e.kind == TunError::Kind::PermissionDenied) {
    e.message = "cannot create TUN device '" + name + "' (" + strerror(err) +
                "): run as root or give the program CAP_NET_ADMIN";
  } else if (err == EBUSY || err == EINVAL) {
    e.kind = TunError::Kind::NameTaken;
    e.message = "TUN device name '" + name + "' is taken (" + strerror(err) +
                "): another process has it open or it is not a TUN device; choose another "
                "--tun name or stop the other user (`ip link show " + name + "`)";
  } else if (e.kind == TunError::Kind::Other) {
    e.message = "cannot create TUN device '" + name + "': " + strerror(err);
  }
  return e;
}

}  // namespace

base::Expected<std::unique_ptr<TunLink>, TunError> TunLink::open(std::string_view name) {
  if (name.empty() || name.size() >= IFNAMSIZ || name.find('/') != std::string_view::npos) {
    TunError e;
    e.kind = TunError::Kind::InvalidName;
    e.err = EINVAL;
    e.message = "invalid TUN device name '" + std::string(name) + "': 1 to " +
                std::to_string(IFNAMSIZ - 1) + " characters, no '/'";
    return base::Unexpected(e);
  }
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return base::Unexpected(open_error(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    ::close(fd);
    return base::Unexpected(setiff_error(err, std::string(name)));
  }
  return std::unique_ptr<TunLink>(new TunLink(fd, std::string(ifr.ifr_name)));
}

TunLink::~TunLink() { ::close(fd_); }

void TunLink::send(base::Instant, base::Bytes packet) {
  for (;;) {
    ssize_t n = ::write(fd_, packet.data(), packet.size());
    if (n >= 0) {
      ++counters_.tx_packets;
      counters_.tx_bytes += packet.size();
      return;
    }
    if (errno == EINTR) continue;
    ++counters_.tx_errors;  // like a full queue on a real NIC: TCP will retransmit
    return;
  }
}

std::optional<size_t> TunLink::receive(base::Instant, base::MutBytes buf) {
  for (;;) {
    ++counters_.rx_reads;
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;  // EAGAIN: drained (other errors: nothing to deliver)
    }
    if (n == 0) return std::nullopt;
    if ((buf[0] >> 4) != 4) {  // IPv6 and friends: the stack speaks IPv4 only
      ++counters_.rx_skipped;
      continue;
    }
    ++counters_.rx_packets;
    counters_.rx_bytes += static_cast<size_t>(n);
    return static_cast<size_t>(n);
  }
}

}  // namespace synack::link

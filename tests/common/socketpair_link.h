#pragma once
// Two Links joined by a SOCK_SEQPACKET socketpair: real descriptors for the
// epoll runtime without a TUN device or root. Each send() is one datagram.
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <utility>

#include "link/link.h"

namespace synack::testing {

class SocketLink final : public link::Link {
 public:
  explicit SocketLink(int fd) : fd_(fd) {}
  ~SocketLink() override { ::close(fd_); }
  void send(base::Instant, base::Bytes p) override {
    if (!drop_all) (void)!::send(fd_, p.data(), p.size(), MSG_DONTWAIT);
  }
  std::optional<size_t> receive(base::Instant, base::MutBytes buf) override {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) return std::nullopt;
    return static_cast<size_t>(n);
  }
  int fd() const override { return fd_; }
  bool drop_all = false;  // a black hole: nothing leaves

 private:
  int fd_;
};

inline std::pair<std::unique_ptr<SocketLink>, std::unique_ptr<SocketLink>> socket_link_pair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error("socketpair");
  int big = 4 << 20;
  for (int fd : sv) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  return {std::make_unique<SocketLink>(sv[0]), std::make_unique<SocketLink>(sv[1])};
}

}  // namespace synack::testing

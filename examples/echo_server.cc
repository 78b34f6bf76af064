// echo_server: an echo service (RFC 862) on a TUN device with the synack API. As root:
//   ./echo_server synack0 10.77.0.2/24 7 &  echo hi | nc -N 10.77.0.2 7   # the kernel is 10.77.0.1
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "api/listener.h"
#include "link/tun_config.h"
#include "link/tun_link.h"
#include "tcp/isn.h"

using namespace synack;
struct Conn {  // `unsent`: read, not yet taken by send(); we stop reading meanwhile
  api::Socket sock;
  std::vector<uint8_t> unsent;
};
using Conns = std::map<Conn*, std::unique_ptr<Conn>>;

// Move bytes until the socket would block; on_readable/on_writable call again.
void pump(Conn& c, api::Runtime& rt, Conns& conns) {
  uint8_t buf[16384];
  for (;;) {
    auto n = c.unsent.empty() ? c.sock.try_recv(buf) : c.sock.try_send(c.unsent);
    if (!n && n.error() == api::Error::WouldBlock) return;
    if (!n || (c.unsent.empty() && *n == 0))  // error, or end of stream: close
      return rt.defer([&conns, p = &c] { conns.erase(p); });
    if (c.unsent.empty()) c.unsent.assign(buf, buf + *n);
    else c.unsent.erase(c.unsent.begin(), c.unsent.begin() + static_cast<long>(*n));
  }
}

int main(int argc, char** argv) {
  auto cidr = argc == 4 ? link::parse_cidr(argv[2]) : std::nullopt;
  auto addressing = cidr ? link::make_addressing(*cidr, std::nullopt) : base::Unexpected(std::string("usage"));
  if (!addressing) return std::fprintf(stderr, "usage: %s TUN A.B.C.D/NN PORT\n", argv[0]), 2;
  auto tun = link::TunLink::open(argv[1]);
  if (!tun) return std::fprintf(stderr, "%s\n", tun.error().message.c_str()), 1;
  if (auto r = link::configure_tun((*tun)->name(), *addressing, 1500); !r)
    return std::fprintf(stderr, "%s\n", r.error().c_str()), 1;
  stack::StackConfig cfg;  // everything else: defaults (MSS 1460, 256 KiB buffers...)
  cfg.addr = addressing->addr;
  tcp::Rfc6528Isn isn(tcp::Rfc6528Isn::random_key());
  stack::Stack stack(cfg, isn);
  api::Runtime rt(stack, **tun);
  auto listener = rt.listen(static_cast<uint16_t>(std::stoi(argv[3])));
  if (!listener) return std::fprintf(stderr, "listen: %s\n", to_string(listener.error()).data()), 1;
  Conns conns;
  listener->on_accept([&] {
    while (auto s = listener->try_accept()) {
      auto c = std::make_unique<Conn>(Conn{std::move(*s), {}});
      Conn* p = (conns[c.get()] = std::move(c)).get();
      p->sock.on_readable([&, p] { pump(*p, rt, conns); });
      p->sock.on_writable([&, p] { pump(*p, rt, conns); });
    }
  });
  rt.run();  // until killed; closing a Socket (erasing its Conn) sends our FIN
}

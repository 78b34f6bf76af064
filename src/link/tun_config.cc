// TUN addressing: parse, default the kernel's address, configure with iproute2.
#include "link/tun_config.h"

#include <charconv>
#include <cstdio>

#include "link/command.h"

namespace synack::link {

std::optional<Cidr> parse_cidr(std::string_view s) {
  Cidr c;
  auto slash = s.find('/');
  auto a = wire::Ipv4Addr::parse(s.substr(0, slash));
  if (!a) return std::nullopt;
  c.addr = *a;
  if (slash == std::string_view::npos) return c;
  std::string_view p = s.substr(slash + 1);
  unsigned v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc{} || end != p.data() + p.size() || p.empty() || v > 32) return std::nullopt;
  c.prefix = static_cast<uint8_t>(v);
  return c;
}

namespace {

uint32_t mask_of(uint8_t prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

// Usable host addresses of the subnet: all of a /31 (RFC 3021), else without
// the network and broadcast addresses.
bool is_host(uint32_t a, uint8_t prefix) {
  if (prefix >= 31) return true;
  uint32_t host = a & ~mask_of(prefix);
  return host != 0 && host != ~mask_of(prefix);
}

}  // namespace

base::Expected<TunAddressing, std::string> make_addressing(const Cidr& synack,
                                                           std::optional<wire::Ipv4Addr> kernel) {
  TunAddressing t;
  t.addr = synack.addr;
  t.prefix = synack.prefix;
  uint32_t a = synack.addr.value();
  uint32_t mask = mask_of(synack.prefix);
  if (synack.addr.is_unspecified() || synack.addr.is_broadcast() || synack.addr.is_multicast() ||
      (a >> 24) == 127)
    return base::Unexpected(synack.addr.to_string() + " cannot be synack's address");
  if (!is_host(a, synack.prefix))
    return base::Unexpected(synack.addr.to_string() + "/" + std::to_string(synack.prefix) +
                            " is the subnet's network or broadcast address");
  if (kernel) {
    t.kernel_addr = *kernel;
  } else {
    if (synack.prefix > 31)
      return base::Unexpected("a /32 leaves no address for the kernel: give --kernel-addr or a shorter prefix");
    uint32_t first = (a & mask) + (synack.prefix == 31 ? 0 : 1);
    t.kernel_addr = wire::Ipv4Addr(first == a ? first + 1 : first);
  }
  uint32_t k = t.kernel_addr.value();
  if (k == a) return base::Unexpected("the kernel's address must differ from synack's");
  if (synack.prefix == 32) return t;  // point-to-point: the kernel gets a peer route
  if ((k & mask) != (a & mask) || !is_host(k, synack.prefix))
    return base::Unexpected("the kernel's address " + t.kernel_addr.to_string() +
                            " must be a host address of synack's subnet");
  return t;
}

base::Expected<void, std::string> configure_tun(const std::string& dev, const TunAddressing& a,
                                                uint32_t mtu) {
  // Best effort: without IPv6 on the device the kernel sends it nothing but IPv4.
  if (dev.find('/') == std::string::npos && dev != "." && dev != "..") {
    std::string path = "/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6";
    if (FILE* f = std::fopen(path.c_str(), "w")) {
      std::fputs("1", f);
      std::fclose(f);
    }
  }
  if (auto r = run_command({"ip", "link", "set", "dev", dev, "mtu", std::to_string(mtu), "up"}); !r)
    return r;
  std::string cidr = a.kernel_addr.to_string() + "/" + std::to_string(a.prefix);
  // `replace` is idempotent: a persistent device may still carry the address.
  if (a.prefix == 32)
    return run_command({"ip", "addr", "replace", cidr, "peer", a.addr.to_string() + "/32", "dev", dev});
  return run_command({"ip", "addr", "replace", cidr, "dev", dev});
}

}  // namespace synack::link

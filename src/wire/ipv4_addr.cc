#include "wire/ipv4_addr.h"

#include <charconv>

namespace synack::wire {

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), octet);
    if (ec != std::errc{} || octet > 255 || p == s.data() || (p - s.data()) > 3) return std::nullopt;
    v = (v << 8) | octet;
    s.remove_prefix(static_cast<size_t>(p - s.data()));
    if (i < 3) {
      if (s.empty() || s[0] != '.') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (!s.empty()) return std::nullopt;
  return Ipv4Addr(v);
}

std::string Ipv4Addr::to_string() const {
  return std::to_string(v_ >> 24) + "." + std::to_string((v_ >> 16) & 0xff) + "." +
         std::to_string((v_ >> 8) & 0xff) + "." + std::to_string(v_ & 0xff);
}

std::string Endpoint::to_string() const { return addr.to_string() + ":" + std::to_string(port); }

}  // namespace synack::wire

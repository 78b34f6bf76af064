#pragma once
// IPv4 addresses, endpoints and the connection 4-tuple.
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace synack::wire {

class Ipv4Addr {
 public:
  constexpr Ipv4Addr() = default;
  constexpr explicit Ipv4Addr(uint32_t host_order) : v_(host_order) {}
  constexpr Ipv4Addr(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
      : v_((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d) {}

  static std::optional<Ipv4Addr> parse(std::string_view s);
  std::string to_string() const;

  constexpr uint32_t value() const { return v_; }
  constexpr bool is_unspecified() const { return v_ == 0; }
  constexpr bool is_broadcast() const { return v_ == 0xffffffffu; }
  constexpr bool is_multicast() const { return (v_ >> 28) == 0xe; }
  constexpr auto operator<=>(const Ipv4Addr&) const = default;

 private:
  uint32_t v_ = 0;
};

struct Endpoint {
  Ipv4Addr addr;
  uint16_t port = 0;
  constexpr auto operator<=>(const Endpoint&) const = default;
  std::string to_string() const;
};

// A connection's identity as seen from the local side.
struct FourTuple {
  Endpoint local;
  Endpoint remote;
  constexpr bool operator==(const FourTuple&) const = default;
  // A cheap, well-mixed hash for open-addressing demux tables. `key` is the
  // table owner's secret: the addresses are mixed with it before the ports
  // join, so which tuples collide depends on the key and a peer cannot pick
  // ports and addresses that pile into one bucket (hash flooding) without it.
  uint64_t hash(uint64_t key = 0) const {
    uint64_t x = ((uint64_t{local.addr.value()} << 32) | remote.addr.value()) ^ key;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 31;
    uint64_t y = (uint64_t{local.port} << 16) | remote.port;
    x ^= (y ^ (key >> 17)) * 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 32;
    return x;
  }
};

inline std::ostream& operator<<(std::ostream& os, Ipv4Addr a) { return os << a.to_string(); }
inline std::ostream& operator<<(std::ostream& os, const Endpoint& e) { return os << e.to_string(); }

}  // namespace synack::wire

// Deterministic robustness run of the wire codecs, in CTest on every build:
// 200,000 pseudo-random and mutated-valid inputs (fixed seeds) through the same
// invariant checks as the libFuzzer targets (wire_invariants.h). Each test also
// asserts that its inputs reached the outcomes it is meant to cover (every
// rejection reason and acceptance), so a generator that stops producing
// interesting input fails instead of passing vacuously.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/rng.h"
#include "fuzz/wire_invariants.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::wire {
namespace {

using Bytes = std::vector<uint8_t>;

// Builds inputs from one seeded generator.
class InputGen {
 public:
  explicit InputGen(uint64_t seed) : rng_(seed) {}

  uint8_t byte() { return static_cast<uint8_t>(rng_.next_u32()); }
  size_t below(size_t n) { return static_cast<size_t>(rng_.below(n)); }
  bool chance(double p) { return rng_.chance(p); }

  Bytes random_bytes(size_t max_len) {
    Bytes b(below(max_len + 1));
    for (auto& x : b) x = byte();
    return b;
  }

  // A list of option-shaped tokens: well-formed options, NOP/EOL, unknown
  // kinds, and each kind of malformation, so the parser's branches are reached.
  Bytes random_options(size_t max_len) {
    Bytes b;
    size_t target = below(max_len + 1);
    while (b.size() < target) append_option(b);
    if (chance(0.3)) b.resize(target);  // may cut the last option short
    return b;
  }

  TcpOptions random_tcp_options() {
    TcpOptions o;
    if (chance(0.3)) o.mss = static_cast<uint16_t>(rng_.next_u32());
    if (chance(0.3)) o.window_scale = byte();
    o.sack_permitted = chance(0.3);
    if (chance(0.5)) o.timestamps = Timestamps{rng_.next_u32(), rng_.next_u32()};
    if (chance(0.4)) o.sack_count = static_cast<uint8_t>(1 + below(kMaxSackBlocks));
    for (size_t k = 0; k < o.sack_count; ++k) o.sack[k] = {rng_.next_u32(), rng_.next_u32()};
    return o;
  }

  // A well-formed segment from the serializer, checksum filled.
  Bytes valid_tcp_segment() {
    TcpHeader h;
    h.src_port = static_cast<uint16_t>(rng_.next_u32());
    h.dst_port = static_cast<uint16_t>(rng_.next_u32());
    h.seq = rng_.next_u32();
    h.ack = rng_.next_u32();
    h.flags = byte();
    h.window = static_cast<uint16_t>(rng_.next_u32());
    h.urgent = chance(0.1) ? static_cast<uint16_t>(rng_.next_u32()) : 0;
    h.options = random_tcp_options();
    Bytes b(h.wire_size());
    h.serialize(b);
    Bytes payload = random_bytes(48);
    b.insert(b.end(), payload.begin(), payload.end());
    fill_tcp_checksum(rng_.next_u32(), rng_.next_u32(), b);
    return b;
  }

  // A random 20-byte header followed by token options; the data offset mostly
  // covers exactly the options, sometimes not.
  Bytes structured_tcp_segment() {
    Bytes b = random_bytes_exact(20);
    Bytes opts = random_options(44);
    if (chance(0.8)) {
      if (chance(0.5))
        opts.resize(std::min<size_t>(kMaxOptionBytes, (opts.size() + 3) & ~size_t{3}));
      else
        opts.resize(std::min<size_t>(kMaxOptionBytes, opts.size() & ~size_t{3}));
      b[12] = static_cast<uint8_t>((((20 + opts.size()) / 4) << 4) | (b[12] & 0x0f));
    } else {
      b[12] = static_cast<uint8_t>(below(16) << 4);
    }
    b.insert(b.end(), opts.begin(), opts.end());
    Bytes payload = random_bytes(24);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
  }

  // A well-formed IPv4 packet: TCP (mostly) or random payload, sometimes IP
  // options, sometimes link padding after the datagram.
  Bytes valid_ipv4_packet() {
    Ipv4Header h;
    h.tos = byte();
    h.id = static_cast<uint16_t>(rng_.next_u32());
    h.dont_fragment = chance(0.7);
    h.ttl = byte();
    h.protocol = chance(0.8) ? kProtoTcp : byte();
    h.src = Ipv4Addr(rng_.next_u32());
    h.dst = Ipv4Addr(rng_.next_u32());
    Bytes payload = chance(0.5)   ? valid_tcp_segment()
                    : chance(0.5) ? structured_tcp_segment()
                                  : random_bytes(40);
    Bytes ip_options;
    if (chance(0.3)) ip_options = random_bytes_exact(4 * (1 + below(10)));
    h.total_len = static_cast<uint16_t>(20 + ip_options.size() + payload.size());
    Bytes b(20);
    h.serialize(b);
    b.insert(b.end(), ip_options.begin(), ip_options.end());
    b.insert(b.end(), payload.begin(), payload.end());
    if (!ip_options.empty()) {
      b[0] = static_cast<uint8_t>(0x40 | ((20 + ip_options.size()) / 4));
      fix_ipv4_checksum(b);
    }
    if (chance(0.2)) b.resize(b.size() + 1 + below(8), 0);  // Ethernet padding
    return b;
  }

  // One to four random edits.
  void mutate(Bytes& b) {
    static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x04, 0x05, 0x0a, 0x0f,
                                               0x10, 0x45, 0x50, 0x7f, 0x80, 0xf0, 0xff};
    for (size_t n = 1 + below(4); n > 0; --n) {
      size_t at = b.empty() ? 0 : below(b.size());
      switch (below(9)) {
        case 0:
          if (!b.empty()) b[at] = static_cast<uint8_t>(b[at] ^ (1u << below(8)));
          break;
        case 1:
          if (!b.empty()) b[at] = byte();
          break;
        case 2:
          if (!b.empty()) b[at] = kInteresting[below(std::size(kInteresting))];
          break;
        case 3: b.insert(b.begin() + static_cast<ptrdiff_t>(at), byte()); break;
        case 4:
          if (!b.empty()) b.erase(b.begin() + static_cast<ptrdiff_t>(at));
          break;
        case 5: b.resize(below(b.size() + 1)); break;
        case 6: {
          Bytes tail = random_bytes(8);
          b.insert(b.end(), tail.begin(), tail.end());
          break;
        }
        case 7:
          if (b.size() > 12) b[12] = static_cast<uint8_t>(below(16) << 4);
          break;
        default:
          if (b.size() > 1) std::swap(b[at], b[below(b.size())]);
          break;
      }
    }
  }

  // Recompute the IPv4 header checksum when the header is in the buffer, so
  // that mutations reach the checks behind it.
  static void fix_ipv4_checksum(Bytes& b) {
    if (b.size() < 20) return;
    size_t ihl = static_cast<size_t>(b[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > b.size()) return;
    b[10] = b[11] = 0;
    base::store_be16(b.data() + 10, checksum_finish(checksum_partial(std::span(b).first(ihl))));
  }

 private:
  Bytes random_bytes_exact(size_t n) {
    Bytes b(n);
    for (auto& x : b) x = byte();
    return b;
  }

  void append_option(Bytes& b) {
    static constexpr uint8_t kKnown[] = {2, 3, 4, 5, 8};
    // kind, length byte, then `data` random bytes (which need not match `len`).
    auto put = [&](size_t kind, size_t len, size_t data) {
      b.push_back(static_cast<uint8_t>(kind));
      b.push_back(static_cast<uint8_t>(len));
      for (size_t i = 0; i < data; ++i) b.push_back(byte());
    };
    size_t n = 1 + below(4), len = 2 + below(12);
    switch (below(14)) {
      case 0: b.push_back(0); break;                            // EOL
      case 1: b.push_back(1); break;                            // NOP
      case 2: b.insert(b.end(), {1, 1}); break;                 // NOP, NOP
      case 3: put(2, 4, 2); break;                              // MSS
      case 4: put(3, 3, 1); break;                              // WS
      case 5: put(4, 2, 0); break;                              // SACK-permitted
      case 6: put(8, 10, 8); break;                             // TS
      case 7: put(5, 2 + 8 * n, 8 * n); break;                  // SACK, 1..4 blocks
      case 8: put(9 + below(247), len, len - 2); break;         // unknown kind
      case 9: put(kKnown[below(5)], len, len - 2); break;       // known kind, any length
      case 10: put(2 + below(254), below(2), 0); break;         // length 0 or 1
      case 11: put(2 + below(254), 20 + below(236), 0); break;  // runs past the end
      default: b.push_back(byte()); break;
    }
  }

  base::Rng rng_;
};

std::string hex(const Bytes& b) {
  std::string s;
  char buf[4];
  for (uint8_t x : b) {
    std::snprintf(buf, sizeof buf, "%02x ", x);
    s += buf;
  }
  return s;
}

std::string tcp_outcome(std::span<const uint8_t> b) {
  auto v = TcpView::parse(b);
  return v ? "accepted" : std::string(to_string(v.error()));
}

std::string ipv4_outcome(std::span<const uint8_t> b) {
  auto v = Ipv4View::parse(b);
  if (!v) return std::string(to_string(v.error()));
  if (v->protocol() != kProtoTcp) return "accepted";
  return "accepted tcp, " + tcp_outcome(v->payload());
}

// Feed `count` inputs from `make` to `check`; collect the outcomes seen.
template <class Make, class Check, class Outcome>
void feed(uint64_t seed, int count, Make make, Check check, Outcome outcome,
          std::set<std::string>& seen) {
  InputGen gen(seed);
  for (int i = 0; i < count; ++i) {
    Bytes in = make(gen);
    std::string broken = check(std::span<const uint8_t>(in));
    if (!broken.empty()) {
      FAIL() << broken << "\n  seed " << seed << ", input #" << i << " (" << in.size()
             << " bytes): " << hex(in);
    }
    seen.insert(outcome(in));
  }
}

void expect_seen(const std::set<std::string>& seen, std::initializer_list<std::string_view> want) {
  for (auto w : want) EXPECT_TRUE(seen.count(std::string(w))) << "no input reached: " << w;
}

std::string_view name(ParseError e) { return to_string(e); }

// 5 tests, 200,000 inputs in all.
constexpr int kTcpRandom = 40000, kTcpStructured = 40000, kTcpMutated = 40000;
constexpr int kIpv4Random = 20000, kIpv4Mutated = 60000;

TEST(WireRobustness, TcpRandomBytes) {
  std::set<std::string> seen;
  feed(
      1, kTcpRandom,
      [](InputGen& g) {
        Bytes b = g.random_bytes(80);
        if (b.size() > 12 && g.chance(0.5)) b[12] = static_cast<uint8_t>((5 + g.below(6)) << 4);
        return b;
      },
      fuzz::check_tcp_input, tcp_outcome, seen);
  expect_seen(seen, {"accepted", name(ParseError::TcpTooShort), name(ParseError::TcpBadDataOffset),
                     name(ParseError::TcpDataOffsetPastEnd)});
}

TEST(WireRobustness, TcpStructuredOptions) {
  std::set<std::string> seen;
  feed(
      2, kTcpStructured, [](InputGen& g) { return g.structured_tcp_segment(); },
      fuzz::check_tcp_input, tcp_outcome, seen);
  expect_seen(seen, {"accepted", name(ParseError::TcpOptionBadLength),
                     name(ParseError::TcpOptionOverrun), name(ParseError::TcpOptionBadSize),
                     name(ParseError::TcpBadDataOffset), name(ParseError::TcpDataOffsetPastEnd)});
}

TEST(WireRobustness, TcpMutatedValidSegments) {
  std::set<std::string> seen;
  feed(
      3, kTcpMutated,
      [](InputGen& g) {
        Bytes b = g.valid_tcp_segment();
        if (g.chance(0.9)) g.mutate(b);
        return b;
      },
      fuzz::check_tcp_input, tcp_outcome, seen);
  expect_seen(seen, {"accepted", name(ParseError::TcpTooShort), name(ParseError::TcpBadDataOffset),
                     name(ParseError::TcpDataOffsetPastEnd), name(ParseError::TcpOptionBadLength),
                     name(ParseError::TcpOptionOverrun), name(ParseError::TcpOptionBadSize)});
}

TEST(WireRobustness, Ipv4RandomBytes) {
  std::set<std::string> seen;
  feed(
      4, kIpv4Random,
      [](InputGen& g) {
        Bytes b = g.random_bytes(80);
        if (!b.empty() && g.chance(0.5)) b[0] = static_cast<uint8_t>(0x40 | g.below(16));
        if (g.chance(0.5)) InputGen::fix_ipv4_checksum(b);
        return b;
      },
      fuzz::check_ipv4_input, ipv4_outcome, seen);
  expect_seen(seen, {name(ParseError::Ipv4TooShort), name(ParseError::Ipv4BadVersion),
                     name(ParseError::Ipv4BadHeaderLength), name(ParseError::Ipv4BadTotalLength),
                     name(ParseError::Ipv4BadChecksum)});
}

TEST(WireRobustness, Ipv4MutatedValidPackets) {
  std::set<std::string> seen;
  feed(
      5, kIpv4Mutated,
      [](InputGen& g) {
        Bytes b = g.valid_ipv4_packet();
        if (g.chance(0.9)) g.mutate(b);
        if (g.chance(0.5)) InputGen::fix_ipv4_checksum(b);
        return b;
      },
      fuzz::check_ipv4_input, ipv4_outcome, seen);
  expect_seen(seen, {"accepted", "accepted tcp, accepted", name(ParseError::Ipv4TooShort),
                     name(ParseError::Ipv4BadVersion), name(ParseError::Ipv4BadHeaderLength),
                     name(ParseError::Ipv4BadTotalLength), name(ParseError::Ipv4BadChecksum)});
}

// The independent oracles behind the checks (which error each input must get)
// on hand-picked inputs, so a wrong oracle cannot hide a wrong parser.
TEST(WireRobustness, OraclesOnHandPickedInputs) {
  Bytes seg = {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(fuzz::check_tcp_input(seg), "");
  EXPECT_EQ(fuzz::expected_tcp_error(std::span(seg).first(19)), ParseError::TcpTooShort);
  seg[12] = 0x40;
  EXPECT_EQ(fuzz::expected_tcp_error(seg), ParseError::TcpBadDataOffset);
  Bytes ip(20, 0);
  ip[0] = 0x45;
  ip[3] = 20;
  EXPECT_EQ(fuzz::expected_ipv4_error(ip), ParseError::Ipv4BadChecksum);
  InputGen::fix_ipv4_checksum(ip);
  EXPECT_EQ(fuzz::expected_ipv4_error(ip), std::nullopt);
  EXPECT_EQ(fuzz::check_ipv4_input(ip), "");
}

}  // namespace
}  // namespace synack::wire

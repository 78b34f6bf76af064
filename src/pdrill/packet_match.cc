#include "pdrill/packet_match.h"

#include <algorithm>

#include "pdrill/option_codec.h"
#include "script/printer.h"

namespace synack::pdrill {
namespace {

using script::TcpFlags;

std::string num(uint32_t v) { return std::to_string(v); }

void check_flags(const script::Packet& want, const LivePacket& got, std::vector<std::string>& out) {
  uint8_t want_bits = static_cast<uint8_t>(want.flags.bits & 0xff);
  bool want_ae = want.flags.has(TcpFlags::kAe);
  bool got_ae = got.reserved & 0x1;
  bool got_reserved = got.reserved & 0xe;
  if (want_bits != got.flags || want_ae != got_ae || got_reserved) {
    TcpFlags g;
    g.bits = static_cast<uint16_t>(got.flags | (got_ae ? TcpFlags::kAe : 0));
    std::string extra = got_reserved ? " (reserved bits set)" : "";
    out.push_back("flags: expected " + script::to_string(want.flags) + ", got " + script::to_string(g) + extra);
  }
}

void check_seq(const script::Packet& want, const LivePacket& got, const SeqMap& map,
               std::vector<std::string>& out) {
  switch (want.seq.kind) {
    case script::SeqKind::Any:
      return;
    case script::SeqKind::Absolute:
      if (got.seq != want.seq.start) {
        out.push_back("seq: expected " + num(want.seq.start) + "! (absolute), got " + num(got.seq));
      }
      return;
    case script::SeqKind::Relative:
      if (want.flags.has(TcpFlags::kSyn)) return;  // a SYN defines the ISN
      if (got.seq != map.local_to_live(want.seq.start)) {
        out.push_back("seq: expected " + num(want.seq.start) + ", got " + num(map.local_to_script(got.seq)) +
                      (map.local_isn_known() ? "" : " (no SYN seen yet: local ISN taken as 0)"));
      }
      return;
  }
}

void check_payload(const script::Packet& want, const LivePacket& got, std::vector<std::string>& out) {
  if (got.payload.size() != want.seq.len) {
    out.push_back("payload length: expected " + num(want.seq.len) + ", got " + num(static_cast<uint32_t>(got.payload.size())));
  } else if (std::any_of(got.payload.begin(), got.payload.end(), [](uint8_t b) { return b != 0; })) {
    out.push_back("payload: expected zero bytes, got non-zero data");
  }
}

void check_header(const script::Packet& want, const LivePacket& got, std::vector<std::string>& out) {
  uint32_t want_ack = want.ack.value_or(0);
  if (got.ack != want_ack) {
    out.push_back("ack: expected " + (want.ack ? num(want_ack) : std::string("field 0 (no ack written)")) +
                  ", got " + num(got.ack));
  }
  if (want.win && *want.win != got.win) {
    out.push_back("win: expected " + num(*want.win) + ", got " + num(got.win));
  }
  uint16_t want_urg = want.urg.value_or(0);
  if (got.urg != want_urg) out.push_back("urg: expected " + num(want_urg) + ", got " + num(got.urg));
}

void check_options(const script::Packet& want, const LivePacket& got, const MatchOptions& opts,
                   std::vector<std::string>& out) {
  switch (want.options_mode) {
    case script::OptionsMode::Wildcard:
      return;
    case script::OptionsMode::Absent:
      if (!got.options.empty()) {
        out.push_back("options: expected none, got " + describe_options(got.options));
      }
      return;
    case script::OptionsMode::List: {
      if (opts.relax_options) return;
      auto bytes = encode_options(want.options, 0);
      if (!bytes) {
        out.push_back("options: " + bytes.error());
        return;
      }
      if (auto d = compare_options(*bytes, got.options)) out.push_back(*d);
      return;
    }
  }
}

void check_ip(const script::Packet& want, const LivePacket& got, std::vector<std::string>& out) {
  if (want.ip.tos && *want.ip.tos != got.tos) {
    out.push_back("tos: expected " + num(*want.ip.tos) + ", got " + num(got.tos));
  }
  if (want.ip.ttl && *want.ip.ttl != got.ttl) {
    out.push_back("ttl: expected " + num(*want.ip.ttl) + ", got " + num(got.ttl));
  }
  if (want.ip.ecn) {
    uint8_t ecn = got.tos & 0x3;
    bool ok = false;
    switch (*want.ip.ecn) {
      case script::Ecn::NoEcn: ok = ecn == 0; break;
      case script::Ecn::Ect1: ok = ecn == 1; break;
      case script::Ecn::Ect0: ok = ecn == 2; break;
      case script::Ecn::Ce: ok = ecn == 3; break;
      case script::Ecn::Ect01: ok = ecn == 1 || ecn == 2; break;
    }
    if (!ok) out.push_back("ecn: expected " + std::string(script::to_string(*want.ip.ecn)) + ", got codepoint " + num(ecn));
  }
}

}  // namespace

std::vector<std::string> match_outbound(const script::Packet& want, const LivePacket& got,
                                        const SeqMap& map, const MatchOptions& opts) {
  std::vector<std::string> out;
  if (!got.is_tcp) {
    out.push_back("expected a TCP segment, got " + got.error);
    return out;
  }
  if (!got.error.empty()) out.push_back(got.error);
  check_flags(want, got, out);
  check_seq(want, got, map, out);
  check_payload(want, got, out);
  check_header(want, got, out);
  check_options(want, got, opts, out);
  check_ip(want, got, out);
  return out;
}

}  // namespace synack::pdrill

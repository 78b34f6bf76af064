// Packet lines (dialect §1.3):
//   <dir> [ip-info] [sport>dport] <flags> <seq> [ack N] [win N] [urg N] [<options>]
//   <dir> [ip-info] udp (len)
//   <dir> [ip-info] icmp <type> [code] [mtu N]
#include <cctype>
#include <string>

#include "script/parse_context.h"

namespace synack::script::detail {
namespace {

constexpr uint64_t kU32 = 0xffffffffu;
constexpr uint64_t kU16 = 0xffffu;

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_word_char(char c) { return is_alnum(c) || c == '_'; }
bool is_flag_char(char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_'; }

std::optional<Ecn> ecn_from(std::string_view w) {
  if (w == "noecn") return Ecn::NoEcn;
  if (w == "ect0") return Ecn::Ect0;
  if (w == "ect1") return Ecn::Ect1;
  if (w == "ce") return Ecn::Ce;
  if (w == "ect01") return Ecn::Ect01;
  return std::nullopt;
}

// One item of `(tos 0x20)`, `(ttl 4)`, `[ect0]`, `(flowlabel 0x12345)`.
void parse_ip_item(Ctx& c, IpInfo* ip) {
  Token t = c.sc.next();
  std::optional<Ecn> ecn = t.kind == TokKind::Word ? ecn_from(t.text) : std::nullopt;
  if (ecn) {
    ip->ecn = ecn;
  } else if (t.is_word("tos")) {
    if (auto v = c.expect_uint("tos", 0xff)) ip->tos = static_cast<uint8_t>(*v);
  } else if (t.is_word("ttl")) {
    if (auto v = c.expect_uint("ttl", 0xff)) ip->ttl = static_cast<uint8_t>(*v);
  } else if (t.is_word("flowlabel")) {
    if (auto v = c.expect_uint("flowlabel", 0xfffff)) ip->flowlabel = static_cast<uint32_t>(*v);
  } else {
    c.fail_at(t, "unknown IP info " + describe(t) +
                     " (expected tos N, ttl N, flowlabel N, ect0, ect1, ce, noecn or ect01)");
  }
}

void parse_ip_info(Ctx& c, IpInfo* ip) {
  char close = c.sc.next().is('(') ? ')' : ']';
  do {
    parse_ip_item(c, ip);
  } while (c.ok() && (c.accept(',') || !c.sc.peek().is(close)));
  c.expect(close, "to close the IP info");
}

bool set_flag(Ctx& c, Loc at, const std::string& word, uint16_t bit, TcpFlags* f) {
  if (f->bits & bit) return c.fail(at, "TCP flags '" + word + "' repeat a flag");
  f->bits = static_cast<uint16_t>(f->bits | bit);
  return true;
}

uint16_t flag_bit(char ch) {
  switch (ch) {
    case '.': return TcpFlags::kAck;
    case 'S': return TcpFlags::kSyn;
    case 'F': return TcpFlags::kFin;
    case 'R': return TcpFlags::kRst;
    case 'P': return TcpFlags::kPsh;
    case 'U': return TcpFlags::kUrg;
    case 'E': return TcpFlags::kEce;
    case 'W': return TcpFlags::kCwr;
    case 'A': return TcpFlags::kAe;
    default: return 0;
  }
}

// `.FSRPEWAU` in any order; one AccECN digit 0-7 instead of E/W/A; `-` alone for none.
TcpFlags parse_flags(Ctx& c, Loc at, const std::string& word) {
  TcpFlags f;
  if (word == "-") return f;
  constexpr uint16_t kEcnBits = TcpFlags::kEce | TcpFlags::kCwr | TcpFlags::kAe;
  for (char ch : word) {
    if (ch >= '0' && ch <= '7') {
      if (f.ace_digit || (f.bits & kEcnBits)) {
        c.fail(at, "TCP flags '" + word +
                       "': an AccECN digit can't be combined with E, W, A or another digit");
        return f;
      }
      f.ace_digit = true;
      int d = ch - '0';
      f.bits =
          static_cast<uint16_t>(f.bits | ((d & 1) ? TcpFlags::kEce : 0) |
                                ((d & 2) ? TcpFlags::kCwr : 0) | ((d & 4) ? TcpFlags::kAe : 0));
      continue;
    }
    uint16_t bit = flag_bit(ch);
    if (bit == 0) {
      c.fail(at, "invalid TCP flags '" + word +
                     "' (use .FSRPEWAU, one AccECN digit 0-7, or - for none)");
      return f;
    }
    if ((bit & kEcnBits) && f.ace_digit) {
      c.fail(at, "TCP flags '" + word + "': an AccECN digit can't be combined with E, W or A");
      return f;
    }
    if (!set_flag(c, at, word, bit, &f)) return f;
  }
  return f;
}

// `start:end(len)`, nplab `start:end(len)!`, or nplab `...(len)`.
SeqSpec parse_seq(Ctx& c) {
  SeqSpec s;
  if (c.sc.peek().kind == TokKind::Ellipsis) {
    c.sc.next();
    s.kind = SeqKind::Any;
    c.expect('(', "after '...' (any sequence number)");
    if (auto len = c.expect_uint("segment length", kU32)) s.len = static_cast<uint32_t>(*len);
    c.expect(')', "after the segment length");
    return s;
  }
  Token at = c.sc.peek();
  auto start = c.expect_uint("sequence number start (start:end(len))", kU32);
  if (!c.ok() || !c.expect(':', "in start:end(len)")) return s;
  auto end = c.expect_uint("sequence number end", kU32);
  if (!c.ok() || !c.expect('(', "in start:end(len)")) return s;
  auto len = c.expect_uint("segment length", kU32);
  if (!c.ok() || !c.expect(')', "in start:end(len)")) return s;
  s.start = static_cast<uint32_t>(*start);
  s.end = static_cast<uint32_t>(*end);
  s.len = static_cast<uint32_t>(*len);
  if (static_cast<uint32_t>(s.start + s.len) != s.end) {
    c.fail_at(at, "inconsistent sequence " + std::to_string(s.start) + ":" + std::to_string(s.end) +
                      "(" + std::to_string(s.len) + "): end must equal start + len");
  }
  if (c.accept('!')) s.kind = SeqKind::Absolute;
  return s;
}

// `ack N`, `win N`, `urg N` (each at most once).
void parse_fields(Ctx& c, Packet* p) {
  for (;;) {
    Token t = c.sc.peek();
    bool dup = (t.is_word("ack") && p->ack) || (t.is_word("win") && p->win) ||
               (t.is_word("urg") && p->urg);
    if (dup) {
      c.fail_at(t, "'" + t.text + "' is given twice");
      return;
    }
    if (t.is_word("ack")) {
      c.sc.next();
      if (auto v = c.expect_uint("ack", kU32)) p->ack = static_cast<uint32_t>(*v);
    } else if (t.is_word("win")) {
      c.sc.next();
      if (auto v = c.expect_uint("window", kU16)) p->win = static_cast<uint16_t>(*v);
    } else if (t.is_word("urg")) {
      c.sc.next();
      if (auto v = c.expect_uint("urgent pointer", kU16)) p->urg = static_cast<uint16_t>(*v);
    } else {
      return;
    }
    if (!c.ok()) return;
  }
}

std::optional<std::vector<uint8_t>> decode_hex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 1]))) {
      return std::nullopt;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The optional cookie after `FO` / `FOEXP`: hex digits, or a -D symbol whose value is hex.
void parse_cookie(Ctx& c, TcpOption* o) {
  char next = c.sc.peek_char();
  if (next == ',' || next == '>') return;
  Loc at = c.sc.here();
  std::string raw = c.sc.raw_while(is_word_char);
  if (const std::string* v = c.sc.lookup(raw)) raw = *v;
  auto bytes = decode_hex(raw);
  if (raw.empty() || !bytes || bytes->size() > 32) {
    c.fail(at, "invalid TCP Fast Open cookie '" + raw +
                   "': expected up to 32 bytes as an even number of hex digits");
    return;
  }
  o->cookie = std::move(*bytes);
}

void parse_sack_blocks(Ctx& c, TcpOption* o) {
  do {
    auto l = c.expect_uint("SACK block left edge (L:R)", kU32);
    if (!c.ok() || !c.expect(':', "in the SACK block L:R")) return;
    auto r = c.expect_uint("SACK block right edge", kU32);
    if (!c.ok()) return;
    o->sack.push_back(SackBlock{static_cast<uint32_t>(*l), static_cast<uint32_t>(*r)});
  } while (c.sc.peek().kind == TokKind::Int);
}

TcpOption parse_option(Ctx& c) {
  TcpOption o;
  Token name = c.sc.next();
  if (name.kind != TokKind::Word) {
    c.fail_at(name, "expected a TCP option name, got " + describe(name));
    return o;
  }
  const std::string& n = name.text;
  if (n == "nop") {
    o.kind = OptionKind::Nop;
  } else if (n == "eol") {
    o.kind = OptionKind::Eol;
  } else if (n == "sackOK") {
    o.kind = OptionKind::SackPermitted;
  } else if (n == "mss") {
    o.kind = OptionKind::Mss;
    o.value = static_cast<uint32_t>(c.expect_uint("mss value", kU16).value_or(0));
  } else if (n == "wscale") {
    o.kind = OptionKind::WindowScale;
    o.value = static_cast<uint32_t>(c.expect_uint("wscale value", 0xff).value_or(0));
  } else if (n == "sack") {
    o.kind = OptionKind::Sack;
    parse_sack_blocks(c, &o);
  } else if (n == "TS") {
    o.kind = OptionKind::Timestamp;
    if (c.expect_word("val", "in TS val V ecr E"))
      o.ts_val = static_cast<uint32_t>(c.expect_uint("TS val", kU32).value_or(0));
    if (c.ok() && c.expect_word("ecr", "in TS val V ecr E"))
      o.ts_ecr = static_cast<uint32_t>(c.expect_uint("TS ecr", kU32).value_or(0));
  } else if (n == "md5") {
    o.kind = OptionKind::Md5;
    Loc at = c.sc.here();
    o.text = c.sc.raw_while(is_alnum);
    if (o.text.empty())
      c.fail(at, "expected the md5 option's argument (e.g. valid, or a hex digest)");
  } else if (n == "FO" || n == "FOEXP") {
    o.kind = n == "FO" ? OptionKind::FastOpen : OptionKind::FastOpenExp;
    parse_cookie(c, &o);
  } else {
    o.kind = OptionKind::Unknown;
    std::string rest = c.sc.raw_until_any(",>");
    o.text = rest.empty() ? n : n + " " + rest;
  }
  return o;
}

// `<...>` or `<opt, opt, ...>`; checks the 4-byte padding and the 40-byte limit.
void parse_options(Ctx& c, Packet* p) {
  Token open = c.sc.next();
  if (c.sc.peek().kind == TokKind::Ellipsis) {
    c.sc.next();
    p->options_mode = OptionsMode::Wildcard;
    c.expect('>', "after '<...'");
    return;
  }
  p->options_mode = OptionsMode::List;
  do {
    p->options.push_back(parse_option(c));
  } while (c.ok() && c.accept(','));
  if (!c.ok() || !c.expect('>', "or ',' in the TCP option list")) return;
  size_t total = 0;
  for (const TcpOption& o : p->options) {
    std::optional<size_t> n = o.wire_size();
    if (!n) return;  // an unknown option: its length can't be checked
    total += *n;
  }
  if (total % 4 != 0) {
    c.fail_at(open, "TCP options are not padded correctly (" + std::to_string(total) +
                        " bytes, not a multiple of 4)");
  } else if (total > 40) {
    c.fail_at(open, "TCP options are too long (" + std::to_string(total) + " bytes, max 40)");
  }
}

void parse_udp(Ctx& c, Packet* p) {
  p->kind = PacketKind::Udp;
  c.expect('(', "after 'udp' (udp (len))");
  if (auto len = c.expect_uint("UDP payload length", kU16))
    p->udp_length = static_cast<uint32_t>(*len);
  c.expect(')', "after the UDP payload length");
}

void parse_icmp(Ctx& c, Packet* p) {
  p->kind = PacketKind::Icmp;
  Token type = c.sc.next();
  if (type.kind != TokKind::Word) {
    c.fail_at(type, "expected an ICMP type (e.g. unreachable), got " + describe(type));
    return;
  }
  p->icmp_type = type.text;
  if (c.sc.peek().kind == TokKind::Word && !c.sc.peek().is_word("mtu"))
    p->icmp_code = c.sc.next().text;
  if (c.sc.peek().is_word("mtu")) {
    c.sc.next();
    if (auto v = c.expect_uint("ICMP mtu", kU32)) p->icmp_mtu = static_cast<uint32_t>(*v);
  }
}

void check_tcp_packet(Ctx& c, const Packet& p, const Token& dir) {
  if (p.direction != Direction::Inbound) return;
  if (!p.win) {
    c.fail_at(dir, "window must be specified for inbound packets");
  } else if (p.options_mode == OptionsMode::Wildcard) {
    c.fail_at(dir, "<...> (options not checked) is only allowed on outbound packets");
  } else if (p.seq.kind != SeqKind::Relative) {
    c.fail_at(dir,
              "nplab sequence forms (a:b(n)! and ...(n)) are only allowed on outbound packets");
  }
}

bool is_outer_header_word(std::string_view w) {
  return w == "ipv4" || w == "ipv6" || w == "gre" || w == "mpls" || w == "psp" || w == "encap";
}

void parse_tcp(Ctx& c, Packet* p, Loc at, const std::string& flags) {
  p->flags = parse_flags(c, at, flags);
  if (!c.ok()) return;
  p->seq = parse_seq(c);
  if (c.ok()) parse_fields(c, p);
  if (c.ok() && c.sc.peek().is('<')) parse_options(c, p);
}

}  // namespace

Packet parse_packet(Ctx& c) {
  Packet p;
  Token dir = c.sc.next();
  p.direction = dir.is('<') ? Direction::Inbound : Direction::Outbound;
  if (c.sc.peek().is('(') || c.sc.peek().is('[')) parse_ip_info(c, &p.ip);
  if (c.ok() && c.sc.peek().kind == TokKind::Int && c.sc.peek(1).is('>')) {
    auto src = c.expect_uint("source port", kU16);
    c.sc.next();
    auto dst = c.expect_uint("destination port", kU16);
    if (c.ok()) p.ports = Ports{static_cast<uint16_t>(*src), static_cast<uint16_t>(*dst)};
  }
  if (!c.ok()) return p;
  Loc at = c.sc.here();
  std::string word = c.sc.raw_while(is_flag_char);
  if (word.empty()) {
    c.fail(at, "expected TCP flags (e.g. S, S., P., -), udp or icmp");
  } else if (word == "udp") {
    parse_udp(c, &p);
  } else if (word == "icmp") {
    parse_icmp(c, &p);
  } else if (is_outer_header_word(word)) {
    c.fail(at, "unsupported: explicit outer headers and encapsulation ('" + word +
                   " ...') are not supported");
  } else {
    parse_tcp(c, &p, at, word);
    if (c.ok()) check_tcp_packet(c, p, dir);
  }
  if (c.ok() && p.ip.ecn == Ecn::Ect01 && p.direction == Direction::Inbound) {
    c.fail_at(dir, "ect01 is only allowed on outbound packets");
  }
  return p;
}

}  // namespace synack::script::detail

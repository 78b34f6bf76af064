// Packet lines: direction, IP info, ports, flags, sequence forms, ack/win/urg, options, udp/icmp,
// and each packet-level error with its line.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace synack::script {
namespace {

using testing::after_socket;
using testing::packet_of;
using testing::parse_err;
using testing::parse_ok;

TEST(Packet, InboundSynWithOptions) {
  Packet p = packet_of("+0 < S 0:0(0) win 32792 <mss 1460,sackOK,nop,nop,nop,wscale 7>");
  EXPECT_EQ(p.direction, Direction::Inbound);
  EXPECT_EQ(p.kind, PacketKind::Tcp);
  EXPECT_EQ(p.flags.bits, TcpFlags::kSyn);
  EXPECT_EQ(p.seq, (SeqSpec{SeqKind::Relative, 0, 0, 0}));
  EXPECT_FALSE(p.ack);
  EXPECT_EQ(p.win, 32792);
  ASSERT_EQ(p.options_mode, OptionsMode::List);
  ASSERT_EQ(p.options.size(), 6u);
  EXPECT_EQ(p.options[0].kind, OptionKind::Mss);
  EXPECT_EQ(p.options[0].value, 1460u);
  EXPECT_EQ(p.options[1].kind, OptionKind::SackPermitted);
  EXPECT_EQ(p.options[4].kind, OptionKind::Nop);
  EXPECT_EQ(p.options[5].kind, OptionKind::WindowScale);
  EXPECT_EQ(p.options[5].value, 7u);
}

TEST(Packet, OutboundWithWildcardOptionsAndNoWindow) {
  Packet p = packet_of("+0 > S. 0:0(0) ack 1 <...>");
  EXPECT_EQ(p.direction, Direction::Outbound);
  EXPECT_EQ(p.flags.bits, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(p.ack, 1u);
  EXPECT_FALSE(p.win);
  EXPECT_EQ(p.options_mode, OptionsMode::Wildcard);
  EXPECT_EQ(packet_of("+0 > . 1:1(0) ack 1").options_mode, OptionsMode::Absent);
}

TEST(Packet, DataAckWindowAndUrgent) {
  Packet p = packet_of("+0 < P. 1:1001(1000) ack 1 win 257 urg 5");
  EXPECT_EQ(p.seq, (SeqSpec{SeqKind::Relative, 1, 1001, 1000}));
  EXPECT_EQ(p.ack, 1u);
  EXPECT_EQ(p.win, 257);
  EXPECT_EQ(p.urg, 5);
  EXPECT_EQ(packet_of("+0 > . 4294967295:4294967295(0) ack 4294967295").seq.start, 4294967295u);
}

struct FlagCase {
  const char* flags;
  uint16_t bits;
  bool ace_digit;
};

TEST(Packet, FlagsInAnyOrder) {
  using F = TcpFlags;
  const FlagCase cases[] = {
      {".", F::kAck, false},
      {"S.", F::kSyn | F::kAck, false},
      {".S", F::kSyn | F::kAck, false},
      {"FP.", F::kFin | F::kPsh | F::kAck, false},
      {"R.", F::kRst | F::kAck, false},
      {"SF", F::kSyn | F::kFin, false},
      {"SEW", F::kSyn | F::kEce | F::kCwr, false},
      {"SE.", F::kSyn | F::kEce | F::kAck, false},
      {"U.", F::kUrg | F::kAck, false},
      {"A.", F::kAe | F::kAck, false},
      {"-", 0, false},
      {"5.", F::kEce | F::kAe | F::kAck, true},
      {"S0", F::kSyn, true},
  };
  for (const FlagCase& c : cases) {
    Packet p = packet_of(std::string("+0 > ") + c.flags + " 1:1(0)");
    EXPECT_EQ(p.flags.bits, c.bits) << c.flags;
    EXPECT_EQ(p.flags.ace_digit, c.ace_digit) << c.flags;
  }
}

TEST(Packet, InvalidFlags) {
  EXPECT_NE(parse_err(after_socket("+0 > X 1:1(0)")).message.find("invalid TCP flags 'X'"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 > SS 1:1(0)")).message.find("repeat a flag"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 > E1 1:1(0)")).message.find("AccECN digit"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 > 12 1:1(0)")).message.find("AccECN digit"),
            std::string::npos);
  ParseError e = parse_err(after_socket("+0 > 8 1:1(0)"));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 6);
}

TEST(Packet, SequenceMustBeConsistent) {
  ParseError e = parse_err(after_socket("+0 < . 1:1000(1000) ack 1 win 10"));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 8);
  EXPECT_NE(e.message.find("inconsistent sequence 1:1000(1000)"), std::string::npos) << e;
  EXPECT_NE(parse_err(after_socket("+0 > . 4294967296:4294967296(0)")).message.find("out of range"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 > . 1-1(0)")).message.find("expected ':'"),
            std::string::npos);
}

TEST(Packet, NplabSequenceForms) {
  Packet abs = packet_of("+0 > R. 0:0(0)! ack 1 <...>");
  EXPECT_EQ(abs.seq.kind, SeqKind::Absolute);
  EXPECT_EQ(abs.ack, 1u);
  Packet any = packet_of("+0 > S. ...(0) ack 1 <...>");
  EXPECT_EQ(any.seq.kind, SeqKind::Any);
  EXPECT_EQ(any.seq.len, 0u);
  EXPECT_EQ(packet_of("+0 > P. ...(100)").seq.len, 100u);
  ParseError e = parse_err(after_socket("+0 < R 0:0(0)! win 0"));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("only allowed on outbound packets"), std::string::npos) << e;
}

TEST(Packet, InboundNeedsAWindow) {
  ParseError e = parse_err(after_socket("+0 < . 1:1(0) ack 1"));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 4);
  EXPECT_EQ(e.message, "window must be specified for inbound packets");
  EXPECT_EQ(packet_of("+0 < - 1:1001(1000) win 20000").flags.bits, 0);
}

TEST(Packet, FieldErrors) {
  EXPECT_NE(
      parse_err(after_socket("+0 > . 1:1(0) ack 1 ack 2")).message.find("'ack' is given twice"),
      std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 < . 1:1(0) win 65536"))
                .message.find("window 65536 is out of range"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 < . 1:1(0) win")).message.find("expected window"),
            std::string::npos);
}

TEST(Packet, WildcardOptionsOnlyOutbound) {
  ParseError e = parse_err(after_socket("+0 < S 0:0(0) win 100 <...>"));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("<...>"), std::string::npos);
  EXPECT_NE(e.message.find("only allowed on outbound packets"), std::string::npos);
}

TEST(Packet, AllOptionKinds) {
  Packet p = packet_of("+0 < S 0:0(0) win 1 <sack 1461:2921 1:2,nop,nop,TS val 100 ecr 7,eol,eol>");
  ASSERT_EQ(p.options.size(), 6u);
  EXPECT_EQ(p.options[0].kind, OptionKind::Sack);
  EXPECT_EQ(p.options[0].sack, (std::vector<SackBlock>{{1461, 2921}, {1, 2}}));
  EXPECT_EQ(p.options[3].kind, OptionKind::Timestamp);
  EXPECT_EQ(p.options[3].ts_val, 100u);
  EXPECT_EQ(p.options[3].ts_ecr, 7u);
  EXPECT_EQ(p.options[4].kind, OptionKind::Eol);
  Packet md5 = packet_of("+0 < . 1:1(0) ack 1 win 1 <nop,nop, md5 valid>");
  ASSERT_EQ(md5.options.size(), 3u);
  EXPECT_EQ(md5.options[2].kind, OptionKind::Md5);
  EXPECT_EQ(md5.options[2].text, "valid");
}

TEST(Packet, FastOpenCookies) {
  Packet p = packet_of("+0 > S 0:0(0) <FO,nop,nop,FO abcd1234,nop,nop,FOEXP 0123456789abcdef>");
  ASSERT_EQ(p.options.size(), 7u);
  EXPECT_EQ(p.options[0].kind, OptionKind::FastOpen);
  EXPECT_TRUE(p.options[0].cookie.empty());
  EXPECT_EQ(p.options[3].cookie, (std::vector<uint8_t>{0xab, 0xcd, 0x12, 0x34}));
  EXPECT_EQ(p.options[6].kind, OptionKind::FastOpenExp);
  EXPECT_EQ(p.options[6].cookie.size(), 8u);
  ParseOptions o;
  o.defines = {{"TFO_COOKIE", "0011223344556677"}};
  Script s = parse_ok(after_socket("+0 > S 0:0(0) <mss 1460,nop,nop,sackOK, FOEXP TFO_COOKIE>"), o);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[1].packet()->options[4].cookie.size(), 8u);
  ParseError e =
      parse_err(after_socket("+0 > S 0:0(0) <mss 1460,nop,nop,sackOK, FOEXP TFO_COOKIE>"));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("invalid TCP Fast Open cookie 'TFO_COOKIE'"), std::string::npos) << e;
  EXPECT_NE(parse_err(after_socket("+0 > S 0:0(0) <FO abc,nop>")).message.find("cookie 'abc'"),
            std::string::npos);
}

TEST(Packet, UnknownOptionsAreKeptRaw) {
  Packet p = packet_of("+0 < S 0:0(0) win 1 <mss 1460,ECN e1b 1 ceb 2,nop>");
  ASSERT_EQ(p.options.size(), 3u);
  EXPECT_EQ(p.options[1].kind, OptionKind::Unknown);
  EXPECT_EQ(p.options[1].text, "ECN e1b 1 ceb 2");
  EXPECT_FALSE(p.options[1].wire_size());
}

TEST(Packet, OptionPaddingAndLength) {
  ParseError e = parse_err(after_socket("+0 < S 0:0(0) win 1 <mss 1460,sackOK>"));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 21);
  EXPECT_NE(e.message.find("TCP options are not padded correctly"), std::string::npos) << e;
  e = parse_err(after_socket("+0 < . 1:1(0) win 1 <sack 1:2 3:4 5:6 7:8 9:10,nop,nop>"));
  EXPECT_NE(e.message.find("TCP options are too long (44 bytes"), std::string::npos) << e;
  EXPECT_NE(parse_err(after_socket("+0 > S 0:0(0) <mss 1460 nop>")).message.find("expected '>'"),
            std::string::npos);
  EXPECT_NE(
      parse_err(after_socket("+0 > S 0:0(0) <TS 1 ecr 2,nop,nop>")).message.find("expected 'val'"),
      std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 > S 0:0(0) <mss 70000>")).message.find("out of range"),
            std::string::npos);
}

TEST(Packet, IpInfo) {
  Packet tos = packet_of("+0 > (tos 0xe0) P. 1:1(0) ack 1");
  EXPECT_EQ(tos.ip.tos, 0xe0);
  EXPECT_EQ(packet_of("+0 < (ttl 4) . 1:1(0) ack 1 win 1").ip.ttl, 4);
  EXPECT_EQ(packet_of("+0 < [ect0] . 1:1(0) ack 1 win 1").ip.ecn, Ecn::Ect0);
  Packet many = packet_of("+0 > (ce, tos 0x3, flowlabel 0x12345) . 1:1(0)");
  EXPECT_EQ(many.ip.ecn, Ecn::Ce);
  EXPECT_EQ(many.ip.tos, 3);
  EXPECT_EQ(many.ip.flowlabel, 0x12345u);
  EXPECT_EQ(packet_of("+0 > [ect01] . 1:1(0)").ip.ecn, Ecn::Ect01);
  EXPECT_NE(parse_err(after_socket("+0 < [ect01] . 1:1(0) win 1")).message.find("ect01"),
            std::string::npos);
  EXPECT_NE(parse_err(after_socket("+0 < (hops 3) . 1:1(0) win 1"))
                .message.find("unknown IP info 'hops'"),
            std::string::npos);
}

TEST(Packet, ExplicitPorts) {
  Packet p = packet_of("+0 < 1234>8080 S 0:0(0) win 100");
  ASSERT_TRUE(p.ports);
  EXPECT_EQ(p.ports->src, 1234);
  EXPECT_EQ(p.ports->dst, 8080);
  EXPECT_EQ(p.flags.bits, TcpFlags::kSyn);
}

TEST(Packet, UdpAndIcmpForms) {
  Packet udp = packet_of("+0 < udp (100)");
  EXPECT_EQ(udp.kind, PacketKind::Udp);
  EXPECT_EQ(udp.udp_length, 100u);
  Packet icmp = packet_of("+0 < icmp unreachable frag_needed mtu 1200");
  EXPECT_EQ(icmp.kind, PacketKind::Icmp);
  EXPECT_EQ(icmp.icmp_type, "unreachable");
  EXPECT_EQ(icmp.icmp_code, "frag_needed");
  EXPECT_EQ(icmp.icmp_mtu, 1200u);
  ParseOptions o;
  o.defines = {{"CODE", "host_unreachable"}};
  Script s = parse_ok(after_socket("+.1 < icmp unreachable CODE\n+0 < . 1:1(0) ack 1 win 1"), o);
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[1].packet()->icmp_code, "host_unreachable");
  EXPECT_EQ(s.events[2].packet()->flags.bits, TcpFlags::kAck);
}

TEST(Packet, OuterHeadersAreUnsupported) {
  ParseError e = parse_err(after_socket("+0 < ipv4 192.0.2.1 > 192.168.0.1: S 0:0(0) win 1"));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("unsupported: explicit outer headers"), std::string::npos) << e;
  EXPECT_NE(parse_err(after_socket("+0 > ")).message.find("expected TCP flags"), std::string::npos);
}

}  // namespace
}  // namespace synack::script

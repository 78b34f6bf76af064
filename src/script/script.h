#pragma once
// The AST of a packetdrill-dialect script (docs: /work/shared/docs/packetdrill-dialect.md §1).
// The parser (parse.h) builds it; the script runner executes it. Values are kept as written
// (relative sequence numbers, raw 16-bit windows, µs times); no mapping to live values here.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace synack::script {

// ---------------------------------------------------------------------------------------------
// Time (dialect §1.2)

enum class TimeKind : uint8_t {
  Absolute,  // `0.100`: seconds since the script start
  Relative,  // `+0.1`: relative to the previous event
  Any,       // `*`: any time (outbound packets only)
};

enum class TimeEnd : uint8_t {
  None,
  Range,     // `0.1~0.2` or `+0.1~+0.2`: a window (outbound packets only)
  Blocking,  // `+0...0.200 read(...)`: the syscall must return at the end time
};

struct TimeSpec {
  TimeKind kind = TimeKind::Absolute;
  int64_t start_usecs = 0;
  TimeEnd end = TimeEnd::None;
  int64_t end_usecs = 0;  // meaningful when end != None
  // Range: the end was written with its own '+'. Blocking: the end is offset by the same base
  // as the start, i.e. this equals (kind == Relative).
  bool end_relative = false;

  bool operator==(const TimeSpec&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Packets (dialect §1.3)

enum class Direction : uint8_t { Inbound, Outbound };  // `<` injected, `>` expected from the stack

// TCP header flags as a bit set in wire order; `AE` is the AccECN bit (RFC 9768) above CWR.
struct TcpFlags {
  static constexpr uint16_t kFin = 0x001;
  static constexpr uint16_t kSyn = 0x002;
  static constexpr uint16_t kRst = 0x004;
  static constexpr uint16_t kPsh = 0x008;
  static constexpr uint16_t kAck = 0x010;
  static constexpr uint16_t kUrg = 0x020;
  static constexpr uint16_t kEce = 0x040;
  static constexpr uint16_t kCwr = 0x080;
  static constexpr uint16_t kAe = 0x100;

  uint16_t bits = 0;
  bool ace_digit = false;  // ECE/CWR/AE were written as one AccECN ACE digit 0-7

  bool has(uint16_t f) const { return (bits & f) == f; }
  bool operator==(const TcpFlags&) const = default;
};

enum class Ecn : uint8_t { NoEcn, Ect0, Ect1, Ce, Ect01 };

// `(tos 0x20)`, `(ttl 4)`, `[ect0]`: only the fields written are checked / set.
struct IpInfo {
  std::optional<Ecn> ecn;
  std::optional<uint8_t> tos;
  std::optional<uint8_t> ttl;
  std::optional<uint32_t> flowlabel;

  bool empty() const { return !ecn && !tos && !ttl && !flowlabel; }
  bool operator==(const IpInfo&) const = default;
};

struct Ports {
  uint16_t src = 0;
  uint16_t dst = 0;
  bool operator==(const Ports&) const = default;
};

enum class SeqKind : uint8_t {
  Relative,  // `1:1001(1000)`: remapped by the runner (dialect §1.4)
  Absolute,  // nplab `0:0(0)!`: un-remapped, used literally
  Any,       // nplab `...(0)`: any sequence number; only the length is known
};

struct SeqSpec {
  SeqKind kind = SeqKind::Relative;
  uint32_t start = 0;  // start/end are 0 for SeqKind::Any
  uint32_t end = 0;
  uint32_t len = 0;
  bool operator==(const SeqSpec&) const = default;
};

enum class OptionKind : uint8_t {
  Eol,
  Nop,
  Mss,
  WindowScale,
  SackPermitted,
  Sack,
  Timestamp,
  Md5,
  FastOpen,     // `FO [cookie]`, kind 34
  FastOpenExp,  // `FOEXP [cookie]`, kind 254 with magic 0xF989
  Unknown,      // anything else, kept as raw text for the runner to reject
};

struct SackBlock {
  uint32_t left = 0;
  uint32_t right = 0;
  bool operator==(const SackBlock&) const = default;
};

struct TcpOption {
  OptionKind kind = OptionKind::Nop;
  uint32_t value = 0;           // Mss: the MSS; WindowScale: the shift count
  std::vector<SackBlock> sack;  // Sack
  uint32_t ts_val = 0;          // Timestamp
  uint32_t ts_ecr = 0;          // Timestamp
  std::vector<uint8_t> cookie;  // FastOpen / FastOpenExp
  std::string text;             // Md5: the argument (`valid` or hex); Unknown: the raw text

  // Bytes on the wire; nullopt for Unknown (its length can't be known).
  std::optional<size_t> wire_size() const;
  bool operator==(const TcpOption&) const = default;
};

enum class OptionsMode : uint8_t {
  Absent,    // no `<...>` list: the segment carries no options
  Wildcard,  // `<...>`: options not checked (outbound only)
  List,      // an explicit list
};

enum class PacketKind : uint8_t { Tcp, Udp, Icmp };

struct Packet {
  Direction direction = Direction::Inbound;
  PacketKind kind = PacketKind::Tcp;
  IpInfo ip;
  std::optional<Ports> ports;  // explicit `sport>dport`
  // TCP
  TcpFlags flags;
  SeqSpec seq;
  std::optional<uint32_t> ack;
  std::optional<uint16_t> win;  // raw 16-bit field; mandatory inbound
  std::optional<uint16_t> urg;
  OptionsMode options_mode = OptionsMode::Absent;
  std::vector<TcpOption> options;
  // UDP: `< udp (len)`
  uint32_t udp_length = 0;
  // ICMP: `< icmp unreachable [code] [mtu N]`
  std::string icmp_type;
  std::string icmp_code;
  std::optional<uint32_t> icmp_mtu;

  bool operator==(const Packet&) const = default;
};

// ---------------------------------------------------------------------------------------------
// System calls (dialect §1.6)

enum class ExprKind : uint8_t {
  Integer,   // 3, -1, 0x02
  Symbol,    // SOCK_STREAM
  Ellipsis,  // ...: the tool supplies the value
  String,    // "192.0.2.1" (unescaped contents in `text`)
  List,      // [1], [ECONNRESET], [{fd=3, events=POLLIN}]
  Struct,    // {sa_family=AF_INET, sin_port=htons(8080)} or {..., 40}
  Call,      // htons(8080), inet_addr("192.0.2.1")
  BitOr,     // O_RDWR|O_NONBLOCK
};

struct Expr {
  ExprKind kind = ExprKind::Integer;
  int64_t integer = 0;
  bool hex = false;                // Integer written in hex
  std::string text;                // Symbol name, String contents, Call function name
  std::vector<Expr> items;         // List elements, Struct values, Call arguments, BitOr operands
  std::vector<std::string> names;  // Struct: one field name per item, "" when positional

  // `[N]`: a pointer to one integer.
  bool is_int_pointer() const {
    return kind == ExprKind::List && items.size() == 1 && items[0].kind == ExprKind::Integer;
  }
  bool operator==(const Expr&) const = default;
};

struct Syscall {
  std::string name;
  std::vector<Expr> args;
  int64_t ret = 0;
  bool ret_hex = false;
  std::optional<std::string> errno_name;  // `= -1 EINPROGRESS`
  std::optional<std::string> note;        // `(Operation now in progress)`: free text, ignored
  std::optional<int64_t> end_usecs;       // blocking `...T`; same value as the event's TimeSpec

  bool operator==(const Syscall&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Events and the script

struct Command {
  std::string text;  // backquoted shell text, verbatim
  int line = 0;      // where it was written; not part of its value (operator== ignores it)
  bool operator==(const Command& o) const { return text == o.text; }
};

struct Code {
  std::string text;  // the contents of `%{ ... }%`, verbatim
  bool operator==(const Code&) const = default;
};

using EventBody = std::variant<Packet, Syscall, Command, Code>;

struct Event {
  int line = 0;    // line of the event's time
  int column = 0;  // column of the event's time
  TimeSpec time;
  EventBody body;

  const Packet* packet() const { return std::get_if<Packet>(&body); }
  const Syscall* syscall() const { return std::get_if<Syscall>(&body); }
  const Command* command() const { return std::get_if<Command>(&body); }
  const Code* code() const { return std::get_if<Code>(&body); }
};

// `--name=value` (value "" when absent); `-D SYM=val` is kept as name "define", value "SYM=val".
struct OptionLine {
  std::string name;
  std::string value;
  int line = 0;
  bool operator==(const OptionLine&) const = default;
};

struct Script {
  std::string file;
  std::vector<OptionLine> options;  // in script order
  std::optional<Command> init_command;
  std::vector<Event> events;
  std::optional<Command> cleanup_command;

  // The value of the last option line with this name, or nullptr.
  const std::string* option(std::string_view name) const;
};

// Exhaustive names for the enums (no `default:`, so -Wswitch catches a new enumerator).
std::string_view to_string(TimeKind k);
std::string_view to_string(TimeEnd e);
std::string_view to_string(Direction d);
std::string_view to_string(Ecn e);
std::string_view to_string(SeqKind k);
std::string_view to_string(OptionKind k);
std::string_view to_string(OptionsMode m);
std::string_view to_string(PacketKind k);
std::string_view to_string(ExprKind k);

inline std::ostream& operator<<(std::ostream& os, TimeKind v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, TimeEnd v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, Direction v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, Ecn v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, SeqKind v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, OptionKind v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, OptionsMode v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, PacketKind v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, ExprKind v) { return os << to_string(v); }

}  // namespace synack::script

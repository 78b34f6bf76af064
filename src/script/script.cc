#include "script/script.h"

namespace synack::script {

std::optional<size_t> TcpOption::wire_size() const {
  switch (kind) {
    case OptionKind::Eol:
    case OptionKind::Nop: return 1;
    case OptionKind::Mss: return 4;
    case OptionKind::WindowScale: return 3;
    case OptionKind::SackPermitted: return 2;
    case OptionKind::Sack: return 2 + 8 * sack.size();
    case OptionKind::Timestamp: return 10;
    case OptionKind::Md5: return 18;                      // RFC 2385: kind, length, 16-byte digest
    case OptionKind::FastOpen: return 2 + cookie.size();  // RFC 7413: kind 34, length, cookie
    case OptionKind::FastOpenExp:
      return 4 + cookie.size();  // kind 254, length, magic 0xF989, cookie
    case OptionKind::Unknown: return std::nullopt;
  }
  return std::nullopt;
}

const std::string* Script::option(std::string_view name) const {
  const std::string* found = nullptr;
  for (const OptionLine& o : options) {
    if (o.name == name) found = &o.value;
  }
  return found;
}

std::string_view to_string(TimeKind k) {
  switch (k) {
    case TimeKind::Absolute: return "Absolute";
    case TimeKind::Relative: return "Relative";
    case TimeKind::Any: return "Any";
  }
  return "?";
}

std::string_view to_string(TimeEnd e) {
  switch (e) {
    case TimeEnd::None: return "None";
    case TimeEnd::Range: return "Range";
    case TimeEnd::Blocking: return "Blocking";
  }
  return "?";
}

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::Inbound: return "Inbound";
    case Direction::Outbound: return "Outbound";
  }
  return "?";
}

std::string_view to_string(Ecn e) {
  switch (e) {
    case Ecn::NoEcn: return "noecn";
    case Ecn::Ect0: return "ect0";
    case Ecn::Ect1: return "ect1";
    case Ecn::Ce: return "ce";
    case Ecn::Ect01: return "ect01";
  }
  return "?";
}

std::string_view to_string(SeqKind k) {
  switch (k) {
    case SeqKind::Relative: return "Relative";
    case SeqKind::Absolute: return "Absolute";
    case SeqKind::Any: return "Any";
  }
  return "?";
}

std::string_view to_string(OptionKind k) {
  switch (k) {
    case OptionKind::Eol: return "eol";
    case OptionKind::Nop: return "nop";
    case OptionKind::Mss: return "mss";
    case OptionKind::WindowScale: return "wscale";
    case OptionKind::SackPermitted: return "sackOK";
    case OptionKind::Sack: return "sack";
    case OptionKind::Timestamp: return "TS";
    case OptionKind::Md5: return "md5";
    case OptionKind::FastOpen: return "FO";
    case OptionKind::FastOpenExp: return "FOEXP";
    case OptionKind::Unknown: return "unknown";
  }
  return "?";
}

std::string_view to_string(OptionsMode m) {
  switch (m) {
    case OptionsMode::Absent: return "Absent";
    case OptionsMode::Wildcard: return "Wildcard";
    case OptionsMode::List: return "List";
  }
  return "?";
}

std::string_view to_string(PacketKind k) {
  switch (k) {
    case PacketKind::Tcp: return "tcp";
    case PacketKind::Udp: return "udp";
    case PacketKind::Icmp: return "icmp";
  }
  return "?";
}

std::string_view to_string(ExprKind k) {
  switch (k) {
    case ExprKind::Integer: return "Integer";
    case ExprKind::Symbol: return "Symbol";
    case ExprKind::Ellipsis: return "Ellipsis";
    case ExprKind::String: return "String";
    case ExprKind::List: return "List";
    case ExprKind::Struct: return "Struct";
    case ExprKind::Call: return "Call";
    case ExprKind::BitOr: return "BitOr";
  }
  return "?";
}

}  // namespace synack::script

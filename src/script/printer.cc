#include "script/printer.h"

#include <cstdio>

namespace synack::script {
namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

template <class T, class F>
std::string join(const std::vector<T>& items, std::string_view sep, F fn) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += sep;
    out += fn(items[i]);
  }
  return out;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ip_info(const IpInfo& ip) {
  std::vector<std::string> items;
  if (ip.ecn) items.emplace_back(to_string(*ip.ecn));
  if (ip.tos) items.push_back("tos " + hex(*ip.tos));
  if (ip.ttl) items.push_back("ttl " + std::to_string(*ip.ttl));
  if (ip.flowlabel) items.push_back("flowlabel " + hex(*ip.flowlabel));
  return "(" + join(items, ", ", [](const std::string& s) { return s; }) + ")";
}

std::string seq(const SeqSpec& s) {
  std::string len = "(" + std::to_string(s.len) + ")";
  if (s.kind == SeqKind::Any) return "..." + len;
  std::string out = std::to_string(s.start) + ":" + std::to_string(s.end) + len;
  return s.kind == SeqKind::Absolute ? out + "!" : out;
}

std::string tcp_part(const Packet& p) {
  std::string out = to_string(p.flags) + " " + seq(p.seq);
  if (p.ack) out += " ack " + std::to_string(*p.ack);
  if (p.win) out += " win " + std::to_string(*p.win);
  if (p.urg) out += " urg " + std::to_string(*p.urg);
  if (p.options_mode == OptionsMode::Wildcard) out += " <...>";
  if (p.options_mode == OptionsMode::List) {
    out += " <" + join(p.options, ",", [](const TcpOption& o) { return to_string(o); }) + ">";
  }
  return out;
}

std::string icmp_part(const Packet& p) {
  std::string out = "icmp " + p.icmp_type;
  if (!p.icmp_code.empty()) out += " " + p.icmp_code;
  if (p.icmp_mtu) out += " mtu " + std::to_string(*p.icmp_mtu);
  return out;
}

std::string integer(int64_t v, bool as_hex) {
  if (!as_hex) return std::to_string(v);
  if (v < 0) return "-" + hex(0 - static_cast<uint64_t>(v));
  return hex(static_cast<uint64_t>(v));
}

std::string option_line(const OptionLine& o) {
  if (o.name == "define") return "-D " + o.value;
  return "--" + o.name + (o.value.empty() ? "" : "=" + o.value);
}

}  // namespace

std::string format_seconds(int64_t usecs) {
  std::string s = std::to_string(usecs / 1000000);
  int64_t frac = usecs % 1000000;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  f.insert(0, 6 - f.size(), '0');
  while (f.back() == '0') f.pop_back();
  return s + "." + f;
}

std::string to_string(const TimeSpec& t) {
  if (t.kind == TimeKind::Any) return "*";
  std::string out = (t.kind == TimeKind::Relative ? "+" : "") + format_seconds(t.start_usecs);
  switch (t.end) {
    case TimeEnd::None: break;
    case TimeEnd::Range:
      out += "~" + std::string(t.end_relative ? "+" : "") + format_seconds(t.end_usecs);
      break;
    case TimeEnd::Blocking: out += "..." + format_seconds(t.end_usecs); break;
  }
  return out;
}

std::string to_string(const TcpFlags& f) {
  std::string out;
  for (auto [bit, ch] : {std::pair{TcpFlags::kSyn, 'S'},
                         {TcpFlags::kFin, 'F'},
                         {TcpFlags::kRst, 'R'},
                         {TcpFlags::kPsh, 'P'},
                         {TcpFlags::kUrg, 'U'}}) {
    if (f.has(bit)) out += ch;
  }
  if (f.ace_digit) {
    out += static_cast<char>('0' + (f.has(TcpFlags::kEce) ? 1 : 0) +
                             (f.has(TcpFlags::kCwr) ? 2 : 0) + (f.has(TcpFlags::kAe) ? 4 : 0));
  } else {
    for (auto [bit, ch] :
         {std::pair{TcpFlags::kEce, 'E'}, {TcpFlags::kCwr, 'W'}, {TcpFlags::kAe, 'A'}}) {
      if (f.has(bit)) out += ch;
    }
  }
  if (f.has(TcpFlags::kAck)) out += '.';
  return out.empty() ? "-" : out;
}

std::string to_string(const TcpOption& o) {
  std::string cookie;
  for (uint8_t b : o.cookie) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    cookie += buf;
  }
  switch (o.kind) {
    case OptionKind::Eol: return "eol";
    case OptionKind::Nop: return "nop";
    case OptionKind::Mss: return "mss " + std::to_string(o.value);
    case OptionKind::WindowScale: return "wscale " + std::to_string(o.value);
    case OptionKind::SackPermitted: return "sackOK";
    case OptionKind::Sack:
      return "sack " + join(o.sack, " ", [](const SackBlock& b) {
               return std::to_string(b.left) + ":" + std::to_string(b.right);
             });
    case OptionKind::Timestamp:
      return "TS val " + std::to_string(o.ts_val) + " ecr " + std::to_string(o.ts_ecr);
    case OptionKind::Md5: return "md5 " + o.text;
    case OptionKind::FastOpen: return cookie.empty() ? "FO" : "FO " + cookie;
    case OptionKind::FastOpenExp: return cookie.empty() ? "FOEXP" : "FOEXP " + cookie;
    case OptionKind::Unknown: return o.text;
  }
  return "?";
}

std::string to_string(const Packet& p) {
  std::string out = p.direction == Direction::Inbound ? "< " : "> ";
  if (!p.ip.empty()) out += ip_info(p.ip) + " ";
  if (p.ports) out += std::to_string(p.ports->src) + ">" + std::to_string(p.ports->dst) + " ";
  switch (p.kind) {
    case PacketKind::Tcp: return out + tcp_part(p);
    case PacketKind::Udp: return out + "udp (" + std::to_string(p.udp_length) + ")";
    case PacketKind::Icmp: return out + icmp_part(p);
  }
  return out;
}

std::string to_string(const Expr& e) {
  auto all = [](const std::vector<Expr>& v, std::string_view sep) {
    return join(v, sep, [](const Expr& x) { return to_string(x); });
  };
  switch (e.kind) {
    case ExprKind::Integer: return integer(e.integer, e.hex);
    case ExprKind::Symbol: return e.text;
    case ExprKind::Ellipsis: return "...";
    case ExprKind::String: return quoted(e.text);
    case ExprKind::List: return "[" + all(e.items, ", ") + "]";
    case ExprKind::Call: return e.text + "(" + all(e.items, ", ") + ")";
    case ExprKind::BitOr: return all(e.items, "|");
    case ExprKind::Struct: {
      std::string out;
      for (size_t i = 0; i < e.items.size(); ++i) {
        if (i != 0) out += ", ";
        if (i < e.names.size() && !e.names[i].empty()) out += e.names[i] + "=";
        out += to_string(e.items[i]);
      }
      return "{" + out + "}";
    }
  }
  return "?";
}

std::string to_string(const Syscall& s) {
  std::string out = s.name + "(" + join(s.args, ", ", [](const Expr& x) { return to_string(x); }) +
                    ") = " + integer(s.ret, s.ret_hex);
  if (s.errno_name) out += " " + *s.errno_name;
  if (s.note) out += " (" + *s.note + ")";
  return out;
}

std::string to_string(const EventBody& b) {
  struct Visitor {
    std::string operator()(const Packet& p) const { return to_string(p); }
    std::string operator()(const Syscall& s) const { return to_string(s); }
    std::string operator()(const Command& c) const { return "`" + c.text + "`"; }
    std::string operator()(const Code& c) const { return "%{" + c.text + "}%"; }
  };
  return std::visit(Visitor{}, b);
}

std::string to_string(const Event& e) {
  return "line " + std::to_string(e.line) + ": " + to_string(e.body);
}

std::string to_source(const Event& e) { return to_string(e.time) + " " + to_string(e.body); }

std::string to_source(const Script& s) {
  std::string out;
  for (const OptionLine& o : s.options) out += option_line(o) + "\n";
  if (s.init_command) out += "`" + s.init_command->text + "`\n";
  for (const Event& e : s.events) out += to_source(e) + "\n";
  if (s.cleanup_command) out += "`" + s.cleanup_command->text + "`\n";
  return out;
}

}  // namespace synack::script

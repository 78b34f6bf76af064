#include "pdrill/support.h"

#include <sstream>

#include "pdrill/sockets.h"
#include "pdrill/symbols.h"
#include "script/code.h"
#include "script/printer.h"

namespace synack::pdrill {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Linux sysctls (via set_sysctls.py) whose value is what synack does anyway.
const char* noop_sysctl(const std::string& arg) {
  if (arg == "/proc/sys/net/ipv4/tcp_timestamps=0") return "synack sends no timestamps";
  if (ends_with(arg, "/tcp_min_tso_segs=10")) return "synack has no TSO; segments are merged as packetdrill does";
  if (arg == "/proc/sys/net/ipv4/tcp_slow_start_after_idle=1") return "synack restarts after idle (RFC 5681 §4.1)";
  return nullptr;
}

// One logical command line (continuations joined): a note if it is a no-op.
std::optional<std::string> noop_line(const std::string& line) {
  std::istringstream in(line);
  std::string prog;
  in >> prog;
  if (ends_with(prog, "common/defaults.sh") || prog == "./defaults.sh") {
    return "skipped " + prog + " (Linux sysctl defaults; synack uses its own configuration)";
  }
  if (prog.rfind("/tmp/sysctl_restore_", 0) == 0) return "skipped " + prog + " (restores Linux sysctls)";
  if (line == "ethtool -K tun0 tso off gso off") return "skipped ethtool (synack has no TSO/GSO)";
  if (ends_with(prog, "set_sysctls.py")) {
    std::string arg;
    std::string why;
    while (in >> arg) {
      const char* w = noop_sysctl(arg);
      if (!w) return std::nullopt;
      why += (why.empty() ? "" : "; ") + arg + ": " + w;
    }
    return "skipped set_sysctls.py (" + why + ")";
  }
  return std::nullopt;
}

void check_packet(const script::Event& e, const script::Packet& p, std::vector<Unsupported>& out) {
  auto add = [&](const std::string& what) { out.push_back({e.line, what + " in '" + script::to_source(e) + "'"}); };
  if (p.kind != script::PacketKind::Tcp) add(std::string(script::to_string(p.kind)) + " packets");
  if (p.ports) add("explicit ports");
  if (p.ip.flowlabel) add("IPv6 flow labels");
  if (p.flags.ace_digit) add("AccECN ACE values");
  // Classic ECN (RFC 3168) is implemented (the runner switches it on for a
  // script that expects it, see make_config); Accurate ECN is not.
  if (p.direction == script::Direction::Outbound && p.flags.has(script::TcpFlags::kAe)) {
    add("Accurate ECN (the AE flag) is not implemented by synack; expected it");
  }
  for (const script::TcpOption& o : p.options) {
    switch (o.kind) {
      case script::OptionKind::Md5: add("TCP-MD5 option (RFC 2385)"); break;
      case script::OptionKind::FastOpen:
      case script::OptionKind::FastOpenExp: add("TCP Fast Open option (RFC 7413)"); break;
      case script::OptionKind::Unknown: add("unknown TCP option '" + o.text + "'"); break;
      default: break;
    }
  }
}

void check_syscall(const script::Event& e, const script::Syscall& c, std::vector<Unsupported>& out) {
  if (!Sockets::known(c.name)) {
    out.push_back({e.line, "system call " + c.name + "()"});
    return;
  }
  if (c.errno_name && !errno_value(*c.errno_name)) {
    out.push_back({e.line, "errno name " + *c.errno_name});
  }
}

}  // namespace

std::optional<std::string> known_noop_command(const std::string& text) {
  std::string joined;
  for (char ch : text) joined += ch;
  // Join backslash continuations, then judge each line.
  std::string logical;
  std::vector<std::string> lines;
  std::istringstream in(joined);
  for (std::string l; std::getline(in, l);) {
    std::string t = trim(l);
    if (!t.empty() && t.back() == '\\') {
      logical += t.substr(0, t.size() - 1) + " ";
      continue;
    }
    logical += t;
    if (!trim(logical).empty()) lines.push_back(trim(logical));
    logical.clear();
  }
  if (!trim(logical).empty()) lines.push_back(trim(logical));
  if (lines.empty()) return "skipped an empty command";
  std::string notes;
  for (const std::string& l : lines) {
    auto n = noop_line(l);
    if (!n) return std::nullopt;
    notes += (notes.empty() ? "" : "; ") + *n;
  }
  return notes;
}

std::vector<Unsupported> check_support(const script::Script& s, std::vector<std::string>& notes) {
  std::vector<Unsupported> out;
  auto command = [&](const script::Command& c, const char* what) {
    if (auto n = known_noop_command(c.text)) {
      notes.push_back(*n);
    } else {
      out.push_back({c.line, std::string(what) + " `" + c.text + "` (shell commands are not run)"});
    }
  };
  if (s.init_command) command(*s.init_command, "init command");
  for (const script::Event& e : s.events) {
    if (const auto* p = e.packet()) check_packet(e, *p, out);
    if (const auto* c = e.syscall()) check_syscall(e, *c, out);
    if (const auto* c = e.command()) command(*c, "command");
    if (const auto* c = e.code()) {
      auto a = script::parse_assertions(c->text);
      if (!a) out.push_back({e.line, a.error()});
    }
  }
  if (s.cleanup_command) command(*s.cleanup_command, "cleanup command");
  return out;
}

}  // namespace synack::pdrill
